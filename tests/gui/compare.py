#!/usr/bin/env python3
# Screenshot checks for the gui tests (binary PPM from gui-hosttool shot),
# without image libraries:
#   compare.py pixel FILE X Y            -> rrggbb
#   compare.py region FILE X Y W H RGB   -> count of pixels not RGB (0: all)
#   compare.py frame FILE X Y W H B RGB  -> pixels of the B-wide ring
#                                           around the W x H area at X,Y
#                                           that are not RGB
#   compare.py diff A B [MAXFRAC]        -> differing pixels; exit 1 if
#                                           more than MAXFRAC of them
import sys


def load(path):
    data = open(path, 'rb').read()
    parts = data.split(b'\n', 3)
    if parts[0] != b'P6':
        sys.exit('%s: not a binary PPM' % path)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def px(img, x, y):
    w, h, d = img
    i = (y * w + x) * 3
    return '%02x%02x%02x' % (d[i], d[i + 1], d[i + 2])


def main():
    cmd = sys.argv[1]
    img = load(sys.argv[2])
    if cmd == 'pixel':
        print(px(img, int(sys.argv[3]), int(sys.argv[4])))
    elif cmd == 'region':
        x, y, w, h = map(int, sys.argv[3:7])
        rgb = sys.argv[7].lower()
        bad = sum(1 for j in range(y, y + h) for i in range(x, x + w) if px(img, i, j) != rgb)
        print(bad)
    elif cmd == 'frame':
        x, y, w, h, b = map(int, sys.argv[3:8])
        rgb = sys.argv[8].lower()
        bad = 0
        for j in range(y - b, y + h + b):
            for i in range(x - b, x + w + b):
                if x <= i < x + w and y <= j < y + h:
                    continue
                if px(img, i, j) != rgb:
                    bad += 1
        print(bad)
    elif cmd == 'diff':
        other = load(sys.argv[3])
        if img[:2] != other[:2]:
            print('size %dx%d vs %dx%d' % (img[0], img[1], other[0], other[1]))
            sys.exit(1)
        n = img[0] * img[1]
        bad = sum(1 for k in range(n) if img[2][k * 3:k * 3 + 3] != other[2][k * 3:k * 3 + 3])
        print(bad)
        maxfrac = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
        sys.exit(1 if bad > maxfrac * n else 0)


main()
