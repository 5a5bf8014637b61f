"""Solid-wood furniture from a village workshop: a stool, a dining table, a bookshelf, a chair."""

from __future__ import annotations

from marketplace.demo_pictures.canvas import Pen, darker, lighter

OAK = (202, 156, 100)


def _grain(pen: Pen, x0, x1, y, colour, count: int = 3, spacing: float = 14) -> None:
    for k in range(count):
        yy = y + k * spacing
        pen.line([(x0, yy), ((x0 + x1) / 2, yy + (4 if k % 2 else -4)), (x1, yy + 2)], colour, 3)


def stool(pen: Pen, tint=None) -> None:
    """A square elm stool with splayed legs and stretchers, joined without nails."""
    wood = tint or OAK
    edge, shade = darker(wood, 0.2), darker(wood, 0.35)
    for x0, x1 in ((-190, -215), (190, 215)):  # back legs
        pen.line([(x0, -60), (x1, 300)], shade, 46)
    pen.line([(-205, 180), (205, 180)], shade, 26)
    for x0, x1 in ((-255, -320), (255, 320)):  # front legs
        pen.line([(x0, -20), (x1, 390)], edge, 56)
    pen.line([(-290, 230), (290, 230)], edge, 32)
    pen.poly([(-300, -150), (300, -150), (345, -75), (-345, -75)], fill=wood)
    pen.rect(-345, -78, 345, -28, fill=edge, r=8)
    _grain(pen, -250, 250, -130, lighter(wood, 0.2), count=4, spacing=14)
    pen.line([(-330, -70), (330, -70)], lighter(wood, 0.25), 5)


def dining_table(pen: Pen, tint=None) -> None:
    """A white-oak dining table with a bowl of oranges on it."""
    wood = tint or (214, 172, 118)
    edge, shade = darker(wood, 0.2), darker(wood, 0.35)
    for x in (-330, 330):  # back legs
        pen.line([(x, -120), (x, 250)], shade, 44)
    pen.poly([(-390, -210), (390, -210), (470, -110), (-470, -110)], fill=wood)
    _grain(pen, -380, 380, -190, lighter(wood, 0.2), count=5, spacing=16)
    pen.rect(-470, -112, 470, -62, fill=edge, r=6)
    pen.rect(-430, -62, 430, -20, fill=shade)
    for x in (-420, 420):  # front legs
        pen.line([(x, -60), (x, 360)], edge, 54)
    # a bowl of oranges
    for x, y in ((-60, -265), (10, -285), (75, -262), (15, -245)):
        pen.ellipse(x, y, 48, fill=(240, 140, 40), outline=(210, 110, 30), width=4)
    pen.line([(10, -330), (30, -355)], (90, 140, 60), 10)
    pen.pieslice(10, -250, 140, 80, 0, 180, fill=(245, 245, 240))
    pen.ellipse(10, -250, 140, 22, fill=(232, 232, 226))


def bookshelf(pen: Pen, tint=None) -> None:
    """A five-shelf bookshelf with books and a plant."""
    wood = tint or (160, 112, 70)
    frame, back = darker(wood, 0.15), lighter(wood, 0.45)
    pen.rect(-270, -440, 270, 420, fill=frame, r=10)
    pen.rect(-235, -410, 235, 390, fill=back)
    books = [
        [(60, 140, (190, 70, 60)), (45, 170, (70, 110, 160)), (55, 150, (230, 190, 90)), (40, 120, (90, 150, 110))],
        [(50, 160, (120, 80, 140)), (70, 150, (235, 120, 80)), (45, 170, (60, 90, 130)), (60, 140, (200, 180, 150))],
        [(65, 150, (80, 140, 150)), (50, 165, (210, 90, 90)), (55, 130, (240, 210, 120))],
        [(45, 170, (100, 120, 170)), (60, 150, (220, 150, 90)), (50, 160, (140, 90, 70)), (55, 140, (90, 160, 120))],
    ]
    shelf_y = [-240, -80, 80, 240, 390]
    for level, y in enumerate(shelf_y[:-1]):
        x = -220
        for width, height, colour in books[level]:
            pen.rect(x, y - height, x + width, y, fill=colour, r=4)
            pen.line([(x + 8, y - height + 20), (x + width - 8, y - height + 20)], lighter(colour, 0.4), 5)
            x += width + 4
        if level == 2:
            from marketplace.demo_pictures.shapes import potted_plant

            potted_plant(pen, 150, y - 60, 0.55)
    pen.rect(-235, -410, 235, -395, fill=darker(back, 0.1))
    for y in shelf_y:
        pen.rect(-250, y, 250, y + 26, fill=wood, r=4)
    pen.rect(-270, 420, -230, 450, fill=frame)
    pen.rect(230, 420, 270, 450, fill=frame)


def chair(pen: Pen, tint=None) -> None:
    """A solid-wood dining chair with a slatted back and a linen seat pad."""
    wood = tint or (176, 120, 72)
    edge, shade = darker(wood, 0.2), darker(wood, 0.35)
    for x0, x1 in ((-170, -185), (170, 185)):  # back posts run down as back legs
        pen.line([(x0, -430), (x1, 300)], shade, 44)
    pen.rect(-205, -450, 205, -370, fill=wood, r=26)
    for x in (-90, 0, 90):
        pen.line([(x, -370), (x, -20)], edge, 34)
    pen.line([(-175, -40), (175, -40)], shade, 26)
    pen.poly([(-215, 0), (215, 0), (275, 90), (-275, 90)], fill=wood)
    pen.poly([(-180, 8), (180, 8), (225, 72), (-225, 72)], fill=(236, 226, 205))
    pen.rect(-275, 88, 275, 135, fill=edge, r=8)
    for x0, x1 in ((-245, -265), (245, 265)):
        pen.line([(x0, 135), (x1, 420)], edge, 50)
    pen.line([(-255, 300), (255, 300)], edge, 26)
