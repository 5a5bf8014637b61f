"""Farm food: a jar of pickled radish, sausages, dried tofu, smoked bacon, a tea cake, a jar of honey."""

from __future__ import annotations

import math

from marketplace.demo_pictures.canvas import Pen, darker, lighter
from marketplace.demo_pictures.shapes import leaf

GLASS = (236, 243, 240)
GLASS_EDGE = (150, 168, 160)
STRING = (205, 175, 115)


def pickle_jar(pen: Pen, tint=None) -> None:
    """A glass jar of red pickled radish under a red cloth tied with string."""
    content = tint or (214, 96, 38)
    pen.rect(-170, -235, 170, -160, fill=GLASS, outline=GLASS_EDGE, width=7, r=20)
    pen.rect(-235, -185, 235, 385, fill=GLASS, outline=GLASS_EDGE, width=8, r=95)
    pen.rect(-205, -70, 205, 355, fill=content, r=75)
    pen.rect(-205, -70, 205, -30, fill=lighter(content, 0.15), r=20)
    cubes = [(-140, 0), (-40, -20), (70, 10), (150, -10), (-110, 110), (10, 90), (120, 120), (-150, 230)]
    cubes += [(-40, 200), (80, 240), (150, 290), (-90, 310), (20, 310)]
    for i, (x, y) in enumerate(cubes):
        size = 30 + (i * 7) % 14
        pen.rect(x - size, y - size, x + size, y + size, fill=(250, 226, 168), outline=(222, 160, 90), width=4, r=10)
    for i in range(16):
        x, y = -170 + (i * 67) % 340, -40 + (i * 131) % 380
        pen.ellipse(x, y, 9, 5, fill=(175, 25, 20))
    pen.rect(-195, -140, -160, 320, fill=(252, 252, 250), r=18)
    # the cloth over the lid, with white dots, and the string
    pen.ellipse(0, -262, 215, 70, fill=(200, 38, 38))
    skirt = [(-215, -262), (215, -262), (262, -150), (200, -160), (140, -138), (70, -156), (0, -136)]
    skirt += [(-70, -156), (-140, -138), (-200, -160), (-262, -150)]
    pen.poly(skirt, fill=(200, 38, 38))
    for x, y in ((-120, -270), (-40, -300), (60, -280), (140, -250), (-170, -200), (10, -200), (170, -190)):
        pen.ellipse(x, y, 12, fill=(250, 235, 230))
    pen.line([(-205, -205), (205, -205)], STRING, 14)
    pen.line([(150, -205), (205, -150)], STRING, 9)
    pen.line([(150, -205), (175, -130)], STRING, 9)
    # a red diamond label
    pen.poly([(0, 30), (105, 135), (0, 240), (-105, 135)], fill=(196, 28, 34), outline=(240, 200, 90), width=7)
    pen.text(0, 135, "萝卜", 62, (255, 236, 170))


def sausage(pen: Pen, tint=None) -> None:
    """Three links of smoked sausage on a board, with two slices."""
    colour = tint or (150, 38, 36)
    pen.rect(-420, 60, 420, 300, fill=(206, 160, 108), outline=(170, 125, 80), width=6, r=40)
    for y in (110, 170, 240):
        pen.line([(-380, y), (-100, y + 8), (150, y - 6), (380, y + 4)], (190, 142, 92), 4)
    for i, dy in enumerate((-250, -120, 10)):
        points = [(-330 + 40 * i, dy + 20), (-150 + 40 * i, dy - 20), (90 + 40 * i, dy - 15), (300 + 20 * i, dy + 30)]
        pen.line(points, darker(colour, 0.25), 104)
        pen.line(points, colour, 90)
        pen.line([(x, y - 24) for x, y in points[1:3]], lighter(colour, 0.28), 16)
        for k in range(9):
            x = points[0][0] + 60 + k * 62
            y = dy - 10 + ((k * 37) % 30) - 15
            pen.ellipse(x, y + (5 if k % 2 else -8), 9, 6, fill=(236, 200, 190))
        for px, py in (points[0], points[-1]):
            pen.ellipse(px, py, 20, fill=STRING)
    for x, y in ((250, 190), (340, 215)):
        pen.ellipse(x, y, 62, 50, fill=darker(colour, 0.2))
        pen.ellipse(x, y - 4, 56, 44, fill=lighter(colour, 0.15))
        for k in range(7):
            a = k * 0.9
            pen.ellipse(x + math.cos(a) * 30, y - 4 + math.sin(a) * 22, 9, 7, fill=(245, 215, 205))


def _block(pen: Pen, x, y, w, h, depth, top, side) -> None:
    pen.poly([(x, y), (x + w, y), (x + w + depth, y - depth * 0.6), (x + depth, y - depth * 0.6)], fill=top)
    lift = depth * 0.6
    pen.poly([(x + w, y), (x + w + depth, y - lift), (x + w + depth, y + h - lift), (x + w, y + h)], fill=side)
    pen.rect(x, y, x + w, y + h, fill=darker(top, 0.12))
    for k in range(1, 4):  # the press cloth's pattern on top
        pen.line([(x + w * k / 4, y), (x + w * k / 4 + depth, y - depth * 0.6)], darker(top, 0.18), 3)


def dried_tofu(pen: Pen, tint=None) -> None:
    """A plate piled with squares of five-spice dried tofu."""
    top = tint or (168, 106, 58)
    side = darker(top, 0.3)
    pen.ellipse(0, 230, 430, 130, fill=(250, 250, 248), outline=(120, 150, 190), width=10)
    pen.ellipse(0, 222, 330, 90, fill=(240, 242, 245))
    for x, y in ((-330, 200), (-110, 225), (110, 205)):
        _block(pen, x, y - 60, 190, 60, 120, top, side)
    for x, y in ((-230, 125), (0, 130)):
        _block(pen, x, y - 60, 190, 60, 120, lighter(top, 0.08), side)
    _block(pen, -115, 50, 190, 60, 120, lighter(top, 0.14), side)
    for x, y in ((-330, 260), (300, 250)):
        pen.ellipse(x, y, 16, fill=(120, 60, 30))


def bacon(pen: Pen, tint=None) -> None:
    """Strips of smoked pork belly hanging from a bamboo pole, as under a Hunan farmhouse's eaves: a dark
    smoked rind, a band of fat, marbled lean."""
    lean = tint or (140, 54, 32)
    fat = (226, 182, 128)
    pen.line([(-440, -380), (440, -380)], (176, 150, 80), 34)
    for x in (-330, 0, 330):
        pen.line([(x - 10, -366), (x + 10, -362)], (130, 105, 50), 6)
    for i, (x, length, w) in enumerate(((-265, 600, 190), (0, 680, 205), (265, 560, 185))):
        pen.line([(x, -380), (x, -290)], STRING, 10)
        top, bottom = -300, -300 + length
        left, right = x - w / 2, x + w / 2
        outline = [(left, top + 20), (right, top + 10), (right + 8, bottom - 80), (right - 10, bottom)]
        outline += [(left + 20, bottom - 14), (left - 6, bottom - 90)]
        pen.poly(outline, fill=(70, 30, 14))  # the rind, dark from the smoke
        band = w * 0.26
        pen.poly(
            [
                (left + 16, top + 34),
                (left + 16 + band, top + 30),
                (left + 18 + band, bottom - 40),
                (left + 22, bottom - 60),
            ],
            fill=fat,
        )
        body = [(left + 20 + band, top + 30), (right - 16, top + 24), (right - 10, bottom - 80)]
        body += [(right - 22, bottom - 20), (left + 22 + band, bottom - 40)]
        pen.poly(body, fill=lean)
        for k in range(4):  # marbling
            y = top + 90 + k * (length - 160) / 4 + (i * 17) % 30
            pen.line(
                [(left + band + 34, y), (x - 12, y + 9), (x + 26, y - 5), (right - 30, y + 7)], lighter(fat, 0.1), 5
            )
        pen.line([(right - 30, top + 50), (right - 26, bottom - 110)], lighter(lean, 0.25), 10)
        pen.ellipse(x, top + 30, 16, fill=(45, 25, 12))


def tea_cake(pen: Pen, tint=None) -> None:
    """A Pu'er tea cake in its printed paper, with loose leaves."""
    ink = tint or (180, 40, 40)
    pen.ellipse(10, 30, 370, 360, fill=(232, 222, 198))
    pen.ellipse(0, 0, 370, 360, fill=(248, 241, 222), outline=(215, 200, 170), width=6)
    for k in range(16):
        a = math.pi * 2 * k / 16
        pen.line([(math.cos(a) * 120, math.sin(a) * 115), (math.cos(a) * 340, math.sin(a) * 330)], (232, 222, 196), 5)
    pen.ellipse(0, 0, 260, 250, outline=ink, width=10)
    pen.ellipse(0, 0, 235, 225, outline=ink, width=4)
    pen.rect(-95, -95, 95, 95, fill=ink, r=10)
    pen.text(0, -2, "普洱", 70, (252, 240, 225))
    for i, ch in enumerate("云南七子饼茶"):
        a = math.radians(205 + i * 26)
        pen.text(math.cos(a) * 178, math.sin(a) * 170, ch, 44, ink)
    for i, ch in enumerate("古树熟茶"):
        a = math.radians(125 - i * 23)
        pen.text(math.cos(a) * 178, math.sin(a) * 170, ch, 40, ink)


def honey_jar(pen: Pen, tint=None) -> None:
    """A jar of wild honey with a wooden dipper."""
    honey = tint or (232, 156, 38)
    pen.rect(-160, -240, 160, -150, fill=(210, 170, 70), outline=(170, 130, 45), width=6, r=18)
    pen.rect(-190, -160, 190, -120, fill=GLASS, outline=GLASS_EDGE, width=6, r=10)
    pen.rect(-240, -130, 240, 380, fill=GLASS, outline=GLASS_EDGE, width=8, r=80)
    pen.rect(-212, -60, 212, 352, fill=honey, r=62)
    pen.rect(-212, -60, 212, -20, fill=lighter(honey, 0.25), r=20)
    pen.rect(-190, -90, -150, 320, fill=(252, 250, 245), r=16)
    pen.rect(-150, 60, 150, 250, fill=(250, 238, 200), outline=(190, 130, 40), width=6, r=20)
    hexagon = [(0 + 60 * math.cos(math.pi / 3 * k), 155 + 60 * math.sin(math.pi / 3 * k)) for k in range(6)]
    pen.poly(hexagon, fill=(240, 180, 50), outline=(190, 120, 30), width=5)
    pen.text(0, 155, "蜜", 62, (150, 80, 20))
    # the dipper leans on the jar
    pen.line([(250, 330), (420, -300)], (170, 120, 70), 28)
    for k in range(4):
        y = 330 - k * 34
        pen.ellipse(250 + k * 9, y, 62 - k * 5, 30, fill=(190, 140, 80), outline=(150, 100, 55), width=4)
    pen.ellipse(240, 385, 42, 18, fill=honey)


def tea_leaves(pen: Pen, x, y, size: float = 1.0) -> None:
    for angle, length in ((-150, 170), (-110, 200), (-70, 160), (-30, 140)):
        leaf(pen, x, y, length * size, 70 * size, angle, (85, 150, 70))
    pen.line([(x, y), (x, y + 120 * size)], (110, 90, 50), 10 * size)
