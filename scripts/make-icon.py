#!/usr/bin/env python3
"""Draws images/icon.png (128x128): a clock face on a dark rounded square, with a "=" tick
(key=value) — pure Python (zlib + struct), 4x4 supersampled."""
import math, os, struct, zlib

N, SS = 128, 4
BG, RING, HAND, ACC = (30, 42, 56), (236, 240, 244), (236, 240, 244), (94, 196, 124)


def inside_rounded(x, y, r=22):
    cx, cy = min(max(x, r), N - r), min(max(y, r), N - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def shade(x, y):
    if not inside_rounded(x, y):
        return None
    c = (64, 64)
    d = math.hypot(x - c[0], y - c[1])
    if 40 <= d <= 48:
        return RING
    # hour ticks
    for k in range(12):
        a = k * math.pi / 6
        ax, ay = c[0] + 33 * math.sin(a), c[1] - 33 * math.cos(a)
        bx, by = c[0] + 37 * math.sin(a), c[1] - 37 * math.cos(a)
        if seg_dist(x, y, ax, ay, bx, by) <= 2.0:
            return RING
    if seg_dist(x, y, 64, 64, 64, 36) <= 3.6:  # minute hand (12)
        return HAND
    if seg_dist(x, y, 64, 64, 84, 76) <= 3.6:  # hour hand (~4)
        return ACC
    if d <= 5.5:
        return ACC
    return BG


rows = []
for j in range(N):
    row = bytearray([0])
    for i in range(N):
        acc = [0, 0, 0, 0]
        for sj in range(SS):
            for si in range(SS):
                col = shade(i + (si + 0.5) / SS, j + (sj + 0.5) / SS)
                if col:
                    acc[0] += col[0]; acc[1] += col[1]; acc[2] += col[2]; acc[3] += 255
        n = SS * SS
        a = acc[3] // n
        if a:
            row += bytes([acc[0] * 255 // acc[3], acc[1] * 255 // acc[3], acc[2] * 255 // acc[3], a])
        else:
            row += bytes(4)
    rows.append(bytes(row))


def chunk(tag, data):
    return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data) & 0xFFFFFFFF)


png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', N, N, 8, 6, 0, 0, 0)) + \
    chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'images', 'icon.png')
with open(out, 'wb') as f:
    f.write(png)
print(out, len(png), 'bytes')
