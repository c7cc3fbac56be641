#!/usr/bin/env python3
# Audio test helper: frequency, duration and level of the tone in a WAV
# file (one channel), measured with sox and plain Python: the tone is
# where the level exceeds a threshold; the frequency comes from
# interpolated zero crossings inside it.
#   audio_analyze.py FILE.wav [CHANNEL]  ->  "freq=440.01 duration=2.000 peak=0.501 rms=0.354 clicks=[...]"
#   audio_analyze.py --clicks FILE.wav   ->  onset times (s) of clicks
#   audio_analyze.py --gaps FILE.wav     ->  drop-outs inside the tone
import struct
import subprocess
import sys


def load(path, channel):
    # sox reads every WAV flavour (parecord writes WAVE_FORMAT_EXTENSIBLE)
    rate = int(subprocess.check_output(["soxi", "-r", path]).decode().strip())
    raw = subprocess.check_output(["sox", "-D", path, "-t", "raw", "-e", "signed-integer",
                                   "-b", "16", "-", "remix", str(channel + 1)])
    vals = struct.unpack("<%dh" % (len(raw) // 2), raw)
    return [v / 32768.0 for v in vals], rate


def tone(samples, rate, thresh=0.05):
    block = max(1, rate // 100)  # 10 ms envelope
    env = []
    for i in range(0, len(samples), block):
        b = samples[i:i + block]
        env.append(max(abs(x) for x in b) if b else 0.0)
    on = [i for i, e in enumerate(env) if e > thresh]
    if not on:
        return None
    start, end = on[0] * block, min(len(samples), (on[-1] + 1) * block)
    return start, end


def freq(samples, rate, start, end):
    """Median of 100 ms windows: one glitch does not move it; gaps() counts those."""
    # away from the edges, where the tone fades in and out
    margin = rate // 50
    if end - start > 4 * margin:
        start, end = start + margin, end - margin
    est = []
    w = rate // 10
    for s0 in range(start, max(start + 1, end - w + 1), w):
        cross = []
        for i in range(s0 + 1, min(end, s0 + w)):
            a, b = samples[i - 1], samples[i]
            if a < 0 <= b and b - a > 0.001:  # rising zero crossing, interpolated
                cross.append(i - 1 + a / (a - b))
        if len(cross) >= 3:
            est.append((len(cross) - 1) / ((cross[-1] - cross[0]) / rate))
    if not est:
        return 0.0
    est.sort()
    return est[len(est) // 2]


def gaps(samples, rate):
    """Drop-outs inside the tone: 5 ms windows that fall silent."""
    t = tone(samples, rate)
    if not t:
        return "no tone"
    a, b = t
    w = rate // 200
    n = 0
    # the envelope's 10 ms blocks may start before the tone: skip the edges
    a, b = a + 4 * w, b - 4 * w
    quiet = False
    for i in range(a, b - w, w):
        q = max(abs(x) for x in samples[i:i + w]) < 0.05
        n += q and not quiet
        quiet = q
    return "%d drop-outs in %.1f s of tone" % (n, (b - a) / rate)


def main():
    if sys.argv[1] == "--gaps":
        s, rate = load(sys.argv[2], 0)
        print(gaps(s, rate))
        return
    if sys.argv[1] == "--clicks":
        s, rate = load(sys.argv[2], 0)
        out, i, hold = [], 0, rate // 20
        while i < len(s):
            if abs(s[i]) > 0.3:
                out.append("%.4f" % (i / rate))
                i += hold
            else:
                i += 1
        print(" ".join(out))
        return
    ch = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    s, rate = load(sys.argv[1], ch)
    t = tone(s, rate)
    if not t:
        peak = max((abs(x) for x in s), default=0.0)
        print("freq=0 duration=0 peak=%.4f rms=0" % peak)
        return
    a, b = t
    seg = s[a:b]
    rms = (sum(x * x for x in seg) / len(seg)) ** 0.5
    print("freq=%.2f duration=%.3f peak=%.4f rms=%.4f" %
          (freq(s, rate, a, b), (b - a) / rate, max(abs(x) for x in seg), rms))


main()
