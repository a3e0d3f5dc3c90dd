#!/usr/bin/python3
"""Renders a `tmux capture-pane -e -p` dump (text + SGR colour codes) to a PNG.

Usage: ansi-to-png.py CAPTURE.ansi OUT.png COLUMNS ROWS
Needs Pillow (apt-get install python3-pil) and DejaVu Sans Mono.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf'
BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf'
SIZE = 15
BACKGROUND = (24, 26, 32)
FOREGROUND = (220, 220, 220)
# xterm-ish palette for the 16 basic colours
PALETTE = [
    (40, 42, 54), (230, 80, 80), (80, 200, 120), (230, 200, 90),
    (90, 140, 240), (200, 110, 220), (80, 200, 220), (200, 200, 200),
    (120, 120, 130), (255, 110, 110), (110, 230, 150), (255, 230, 120),
    (130, 170, 255), (230, 140, 250), (120, 230, 250), (255, 255, 255),
]
SGR = re.compile(r'\x1b\[([0-9;]*)m')


def color256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    level = 8 + (n - 232) * 10
    return (level, level, level)


def apply(params, style):
    codes = [int(p) if p else 0 for p in params.split(';')] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            style.update(fg=None, bg=None, bold=False, inverse=False, dim=False)
        elif c == 1:
            style['bold'] = True
        elif c == 2:
            style['dim'] = True
        elif c == 7:
            style['inverse'] = True
        elif c == 22:
            style['bold'] = style['dim'] = False
        elif c == 27:
            style['inverse'] = False
        elif 30 <= c <= 37:
            style['fg'] = PALETTE[c - 30]
        elif 90 <= c <= 97:
            style['fg'] = PALETTE[c - 90 + 8]
        elif c == 39:
            style['fg'] = None
        elif 40 <= c <= 47:
            style['bg'] = PALETTE[c - 40]
        elif 100 <= c <= 107:
            style['bg'] = PALETTE[c - 100 + 8]
        elif c == 49:
            style['bg'] = None
        elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
            style['fg' if c == 38 else 'bg'] = color256(codes[i + 2])
            i += 2
        elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
            style['fg' if c == 38 else 'bg'] = tuple(codes[i + 2:i + 5])
            i += 4
        i += 1


def main():
    source, target, columns, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    font = ImageFont.truetype(FONT, SIZE)
    bold = ImageFont.truetype(BOLD, SIZE)
    cell_w = round(font.getlength('M'))
    cell_h = SIZE + 4
    pad = 12
    image = Image.new('RGB', (columns * cell_w + 2 * pad, rows * cell_h + 2 * pad), BACKGROUND)
    draw = ImageDraw.Draw(image)
    lines = open(source, encoding='utf-8').read().split('\n')[:rows]
    style = dict(fg=None, bg=None, bold=False, inverse=False, dim=False)
    for y, line in enumerate(lines):
        x = 0
        pos = 0
        for match in list(SGR.finditer(line)) + [None]:
            end = match.start() if match else len(line)
            for char in line[pos:end]:
                if x >= columns:
                    break
                fg = style['fg'] or FOREGROUND
                bg = style['bg']
                if style['inverse']:
                    fg, bg = (bg or BACKGROUND), fg
                if style['dim']:
                    fg = tuple(v // 2 + 20 for v in fg)
                left, top = pad + x * cell_w, pad + y * cell_h
                if bg:
                    draw.rectangle([left, top, left + cell_w - 1, top + cell_h - 1], fill=bg)
                if char in '█▓▒░':
                    shade = {'█': 1.0, '▓': 0.75, '▒': 0.5, '░': 0.25}[char]
                    color = tuple(int(b + (f - b) * shade) for f, b in zip(fg, bg or BACKGROUND))
                    draw.rectangle([left, top, left + cell_w - 1, top + cell_h - 1], fill=color)
                elif char != ' ':
                    draw.text((left, top + 1), char, font=bold if style['bold'] else font, fill=fg)
                x += 1
            if match:
                apply(match.group(1), style)
                pos = match.end()
    image.save(target)


main()
