# A 64x48 PNG (a blue field), written without any library: mkpng.py OUT
import struct, sys, zlib

w, h = 64, 48
raw = b"".join(b"\0" + b"\x20\x40\xc0" * w for _ in range(h))


def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + \
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
