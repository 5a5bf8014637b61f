"""Clothes and beauty: a floral dress, a Hanfu top, a linen shirt, a lipstick, a face cream, a perfume."""

from __future__ import annotations

from marketplace.demo_pictures.canvas import Pen, darker, lighter
from marketplace.demo_pictures.shapes import flower, leaf, scatter

HANGER = (150, 120, 90)


def _hanger(pen: Pen, y: float = -330, half: float = 230) -> None:
    pen.arc(0, y - 95, 42, 42, 180, 40, HANGER, 12)
    pen.line([(0, y - 55), (0, y - 35)], HANGER, 12)
    pen.line([(-half, y + 40), (0, y - 35), (half, y + 40)], HANGER, 16)


def dress(pen: Pen, tint=None) -> None:
    """A chiffon summer dress with a small floral print, on a hanger."""
    colour = tint or (250, 214, 222)
    _hanger(pen)
    for x in (-95, 95):  # straps
        pen.line([(x, -310), (x * 1.2, -220)], darker(colour, 0.12), 22)
    bodice = [(-150, -230), (150, -230), (120, -40), (-120, -40)]
    skirt = [(-125, -45), (125, -45), (300, 330), (220, 372), (110, 388), (0, 392), (-110, 388), (-220, 372)]
    skirt += [(-300, 330)]
    pen.poly(skirt, fill=colour, outline=darker(colour, 0.12), width=5)
    for x in (-150, -60, 40, 140):
        pen.line([(x * 0.45, -20), (x * 1.05, 370)], darker(colour, 0.06), 6)
    pen.poly(bodice, fill=colour, outline=darker(colour, 0.12), width=5)
    pen.rect(-128, -62, 128, -20, fill=darker(colour, 0.22), r=12)
    for i, (x, y) in enumerate(scatter(skirt, 95) + scatter(bodice, 80)):
        petals = ((230, 90, 120), (120, 150, 220), (250, 170, 70))[i % 3]
        flower(pen, x, y, 20, petals, (255, 240, 200))
        leaf(pen, x + 12, y + 10, 26, 12, 30 + (i * 50) % 120, (110, 170, 100), vein=False)


def hanfu_top(pen: Pen, tint=None) -> None:
    """A modern Hanfu top: wide hanging sleeves, a crossed collar (left over right) in a contrasting band."""
    colour = tint or (246, 236, 238)
    trim = (186, 52, 78)
    edge = darker(colour, 0.14)
    sleeve = [(-150, -262), (-320, -215), (-410, -60), (-440, 150), (-400, 215), (-300, 235), (-200, 200)]
    sleeve += [(-160, 40)]
    for side in (1, -1):
        shape = [(x * side, y) for x, y in sleeve]
        pen.poly(shape, fill=colour, outline=edge, width=5)
        pen.line([(-440 * side, 150), (-400 * side, 215), (-300 * side, 235)], trim, 24)
    pen.poly([(-185, -262), (185, -262), (215, 390), (-215, 390)], fill=colour, outline=edge, width=5)
    pen.line([(-215, 388), (215, 388)], trim, 22)
    pen.poly([(60, -268), (8, -268), (-60, -175), (-30, -150)], fill=darker(trim, 0.12))  # the inner collar
    pen.poly([(-70, -268), (-18, -268), (175, 120), (135, 150)], fill=trim)  # the outer collar crosses over it
    pen.rect(-215, 120, 215, 180, fill=darker(trim, 0.08), r=10)
    pen.line([(40, 180), (20, 330)], trim, 16)
    pen.line([(80, 180), (100, 310)], trim, 16)
    for x, y in ((-110, 280), (120, 300), (-330, 60), (330, 80), (-90, -40)):
        flower(pen, x, y, 28, lighter(trim, 0.5), (250, 220, 160), count=5)


def linen_shirt(pen: Pen, tint=None) -> None:
    """A men's linen shirt on a hanger: collar, placket with buttons, a chest pocket."""
    colour = tint or (196, 216, 228)
    edge = darker(colour, 0.18)
    _hanger(pen, y=-330, half=260)
    pen.poly([(-190, -290), (-360, -200), (-410, 120), (-300, 140), (-250, -60)], fill=colour, outline=edge, width=5)
    pen.poly([(190, -290), (360, -200), (410, 120), (300, 140), (250, -60)], fill=colour, outline=edge, width=5)
    pen.poly([(-250, -300), (250, -300), (260, 390), (-260, 390)], fill=colour, outline=edge, width=5)
    pen.rect(-410, 100, -300, 140, fill=edge, r=10)
    pen.rect(300, 100, 410, 140, fill=edge, r=10)
    pen.poly([(-80, -315), (0, -240), (-40, -180), (-150, -280)], fill=lighter(colour, 0.3), outline=edge, width=5)
    pen.poly([(80, -315), (0, -240), (40, -180), (150, -280)], fill=lighter(colour, 0.3), outline=edge, width=5)
    pen.rect(-22, -240, 22, 390, fill=lighter(colour, 0.12), outline=edge, width=3)
    for y in range(-190, 390, 85):
        pen.ellipse(0, y, 12, fill=(245, 242, 235), outline=edge, width=3)
    pen.rect(-200, -150, -80, -30, outline=edge, width=5, r=8)
    for k in range(6):  # the linen's slub
        pen.line([(-230, -100 + k * 80), (230, -92 + k * 80)], lighter(colour, 0.18), 3)


def lipstick(pen: Pen, tint=None) -> None:
    """A gold lipstick with its cap beside it and a swatch."""
    shade = tint or (190, 30, 60)
    gold, dark_gold = (214, 176, 96), (170, 130, 60)
    pen.ellipse(40, 395, 330, 40, fill=lighter(shade, 0.75))  # the mirror it stands on
    pen.rect(-200, 60, -20, 380, fill=gold, outline=dark_gold, width=6, r=16)
    pen.rect(-200, 120, -20, 140, fill=dark_gold)
    pen.rect(-175, -60, -45, 70, fill=lighter(gold, 0.3), outline=dark_gold, width=5, r=8)
    pen.poly([(-165, -60), (-55, -60), (-55, -250), (-165, -170)], fill=shade)
    pen.poly([(-150, -75), (-125, -75), (-125, -190), (-150, -170)], fill=lighter(shade, 0.3))
    pen.rect(80, -130, 260, 380, fill=gold, outline=dark_gold, width=6, r=16)  # the cap, standing
    pen.rect(80, 300, 260, 320, fill=dark_gold)
    pen.rect(110, -110, 130, 280, fill=lighter(gold, 0.4), r=8)


def face_cream(pen: Pen, tint=None) -> None:
    """A jar of rose moisturiser, open, with rose petals around it."""
    colour = tint or (236, 150, 170)
    pen.ellipse(250, -130, 130, 190, fill=colour, outline=darker(colour, 0.2), width=7)  # the lid, on its edge
    pen.ellipse(262, -130, 100, 160, fill=lighter(colour, 0.25))
    pen.rect(-260, -20, 260, 300, fill=(252, 246, 246), outline=darker(colour, 0.2), width=7, r=40)
    pen.rect(-260, 90, 260, 200, fill=colour)
    pen.text(0, 145, "ROSE", 56, (255, 255, 255), cjk=False)
    pen.ellipse(0, -20, 260, 60, fill=(252, 246, 246), outline=darker(colour, 0.2), width=7)
    pen.ellipse(0, -18, 225, 46, fill=(255, 238, 242))
    pen.arc(0, -30, 120, 26, 200, 340, (245, 215, 222), 12)
    pen.arc(20, -14, 70, 16, 180, 360, (245, 215, 222), 10)
    for x, y, r in ((-330, 300, 40), (-300, 220, 30), (320, 320, 36), (-210, -250, 34)):
        pen.ellipse(x, y, r * 1.3, r, fill=lighter(colour, 0.1), outline=darker(colour, 0.1), width=3)


def perfume(pen: Pen, tint=None) -> None:
    """A glass bottle of osmanthus perfume with sprigs of osmanthus flowers."""
    liquid = tint or (246, 206, 120)
    glass = (240, 244, 246)
    pen.rect(-210, -140, 210, 330, fill=glass, outline=(170, 180, 190), width=8, r=40)
    pen.rect(-182, -40, 182, 302, fill=liquid, r=30)
    pen.rect(-170, -110, -130, 280, fill=(255, 255, 255), r=14)
    pen.rect(-70, -200, 70, -140, fill=(210, 175, 95), outline=(170, 130, 60), width=5)
    pen.rect(-110, -390, 110, -200, fill=(60, 50, 45), r=24)
    pen.rect(-110, -230, 110, -200, fill=(210, 175, 95))
    pen.rect(-120, 60, 120, 200, fill=(255, 250, 240), outline=(200, 165, 90), width=4, r=10)
    pen.text(0, 130, "桂花", 60, (170, 120, 50))
    for x, y, angle in ((300, -120, 240), (-300, 200, 300), (320, 250, 200)):
        leaf(pen, x, y, 140, 60, angle, (80, 140, 80))
        for dx, dy in ((-40, -40), (10, -60), (40, -10), (-10, 0), (-50, 30), (30, 40)):
            flower(pen, x + dx, y + dy, 22, (248, 175, 60), (225, 120, 30), count=4)
