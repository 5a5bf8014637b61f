"""Small shapes the drawings share: leaves, flowers, chillies, a radish, a potted plant, a teacup."""

from __future__ import annotations

import math
from collections.abc import Sequence

from marketplace.demo_pictures.canvas import RGB, Pen, darker, lighter


def leaf_points(x: float, y: float, length: float, width: float, angle: float) -> list[tuple[float, float]]:
    """A pointed leaf from its stem at (x, y), `angle` degrees clockwise from pointing right."""
    a = math.radians(angle)
    points = []
    for i in range(13):
        t = i / 12
        points.append((t * length, math.sin(t * math.pi) * width / 2))
    for i in range(11, 0, -1):
        t = i / 12
        points.append((t * length, -math.sin(t * math.pi) * width / 2))
    return [(x + px * math.cos(a) - py * math.sin(a), y + px * math.sin(a) + py * math.cos(a)) for px, py in points]


def leaf(pen: Pen, x, y, length, width, angle, fill: RGB, vein: bool = True) -> None:
    pen.poly(leaf_points(x, y, length, width, angle), fill=fill)
    if vein:
        a = math.radians(angle)
        pen.line([(x, y), (x + length * 0.85 * math.cos(a), y + length * 0.85 * math.sin(a))], darker(fill, 0.25), 4)


def flower(pen: Pen, x, y, r, petals: RGB, centre: RGB = (250, 210, 90), count: int = 5) -> None:
    for i in range(count):
        a = 2 * math.pi * i / count
        pen.ellipse(x + math.cos(a) * r * 0.55, y + math.sin(a) * r * 0.55, r * 0.5, fill=petals)
    pen.ellipse(x, y, r * 0.32, fill=centre)


def point_in_polygon(x: float, y: float, polygon: Sequence[tuple[float, float]]) -> bool:
    inside = False
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def scatter(polygon: Sequence[tuple[float, float]], step: float, *, jitter: int = 0) -> list[tuple[float, float]]:
    """Points on a staggered grid inside a polygon (for a fabric's print)."""
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    points = []
    row = 0
    y = min(ys) + step / 2
    while y < max(ys):
        x = min(xs) + (step / 2 if row % 2 else 0) + step / 4
        while x < max(xs):
            dx = ((int(x * 7 + y * 13 + jitter) % 11) - 5) * step / 30
            if point_in_polygon(x + dx, y, polygon):
                points.append((x + dx, y))
            x += step
        y += step * 0.8
        row += 1
    return points


def chilli(pen: Pen, x, y, length, angle, colour: RGB = (205, 35, 30)) -> None:
    a = math.radians(angle)
    points = []
    for i in range(9):
        t = i / 8
        bend = math.sin(t * math.pi * 0.9) * length * 0.12
        px, py = t * length, bend
        points.append((x + px * math.cos(a) - py * math.sin(a), y + px * math.sin(a) + py * math.cos(a)))
    for i, (px, py) in enumerate(points[:-1]):
        width = length * 0.2 * (1 - i / 9) + 6
        pen.line([(px, py), points[i + 1]], colour, width)
    pen.line([points[0], (points[0][0] - math.cos(a) * 30, points[0][1] - math.sin(a) * 30 - 14)], (70, 130, 50), 12)
    pen.line([points[1], points[3]], lighter(colour, 0.35), 6)


def radish(pen: Pen, x, y, size: float = 1.0) -> None:
    """A white radish lying on its side with its green leaves."""
    s = size
    for angle, length in ((200, 230), (215, 260), (230, 210), (190, 190)):
        leaf(pen, x - 150 * s, y - 10 * s, length * s, 90 * s, angle, (92, 160, 70))
    body = [(x - 170 * s, y - 60 * s), (x + 60 * s, y - 55 * s), (x + 200 * s, y - 15 * s), (x + 260 * s, y)]
    body += [(x + 200 * s, y + 18 * s), (x + 60 * s, y + 62 * s), (x - 170 * s, y + 62 * s)]
    pen.poly(body, fill=(250, 248, 240), outline=(205, 200, 185), width=5)
    pen.ellipse(x - 165 * s, y, 30 * s, 62 * s, fill=(232, 240, 215))
    for i in range(3):
        pen.line([(x - 60 * s + i * 80 * s, y - 25 * s), (x - 30 * s + i * 80 * s, y - 22 * s)], (215, 210, 195), 4)


def star_anise(pen: Pen, x, y, r, colour: RGB = (135, 70, 40)) -> None:
    points = []
    for i in range(16):
        a = math.pi * i / 8
        radius = r if i % 2 == 0 else r * 0.38
        points.append((x + math.cos(a) * radius, y + math.sin(a) * radius))
    pen.poly(points, fill=colour, outline=darker(colour, 0.3), width=3)
    for i in range(8):
        a = math.pi * i / 4
        pen.ellipse(x + math.cos(a) * r * 0.55, y + math.sin(a) * r * 0.55, r * 0.1, fill=(200, 150, 90))


def garlic(pen: Pen, x, y, r) -> None:
    """A bulb of garlic: cloves bulging under a papery skin with purple streaks, a pointed neck, roots."""
    for dx in (-0.2, 0, 0.2):  # roots
        pen.line([(x + dx * r, y + r * 0.75), (x + dx * r * 1.4, y + r * 1.0)], (200, 185, 160), 4)
    neck = [(x - r * 0.3, y - r * 0.55), (x + r * 0.3, y - r * 0.55), (x + r * 0.06, y - r * 1.35)]
    pen.poly(neck, fill=(238, 228, 205))
    pen.ellipse(x, y, r, r * 0.82, fill=(250, 246, 236), outline=(212, 198, 172), width=4)
    for dx, colour in ((-0.5, (214, 178, 200)), (0, (226, 214, 196)), (0.5, (214, 178, 200))):
        pen.arc(x + dx * r, y, r * 0.38, r * 0.78, 235, 305, colour, 5)
        pen.arc(x + dx * r, y, r * 0.38, r * 0.78, 55, 125, colour, 5)
    pen.ellipse(x - r * 0.35, y - r * 0.3, r * 0.12, r * 0.2, fill=(255, 255, 255))


def potted_plant(pen: Pen, x, y, size: float = 1.0) -> None:
    s = size
    for angle, length in ((-120, 170), (-90, 210), (-60, 170), (-145, 130), (-35, 130)):
        leaf(pen, x, y - 80 * s, length * s, 70 * s, angle, (70, 150, 85))
    pen.poly(
        [(x - 85 * s, y - 90 * s), (x + 85 * s, y - 90 * s), (x + 65 * s, y + 60 * s), (x - 65 * s, y + 60 * s)],
        fill=(215, 120, 80),
    )
    pen.rect(x - 95 * s, y - 110 * s, x + 95 * s, y - 80 * s, fill=(195, 100, 65), r=8 * s)


def teacup(pen: Pen, x, y, size: float = 1.0, tea: RGB = (150, 70, 30)) -> None:
    s = size
    pen.ellipse(x, y + 70 * s, 170 * s, 38 * s, fill=(235, 232, 225), outline=(200, 195, 185), width=4)
    pen.pieslice(x, y - 20 * s, 130 * s, 110 * s, 0, 180, fill=(250, 250, 246))
    pen.ellipse(x, y - 20 * s, 130 * s, 30 * s, fill=(250, 250, 246), outline=(205, 200, 190), width=4)
    pen.ellipse(x, y - 18 * s, 112 * s, 22 * s, fill=tea)
    pen.arc(x, y + 30 * s, 110 * s, 40 * s, 20, 160, (90, 130, 170), 6 * s)


def honeycomb(pen: Pen, x, y, r, cells: int = 7) -> None:
    angles = [math.pi / 3 * i + math.pi / 6 for i in range(6)]
    centres = [(0.0, 0.0)] + [(math.cos(a), math.sin(a)) for a in angles]
    for cx, cy in centres[:cells]:
        hx, hy = x + cx * r * 1.75, y + cy * r * 1.75
        hexagon = [(hx + r * math.cos(math.pi / 3 * k), hy + r * math.sin(math.pi / 3 * k)) for k in range(6)]
        pen.poly(hexagon, fill=(240, 180, 50), outline=(200, 130, 30), width=6)
        pen.ellipse(hx, hy, r * 0.45, fill=(250, 205, 90))


def bee(pen: Pen, x, y, r) -> None:
    pen.ellipse(x - r * 0.3, y - r * 0.8, r * 0.55, r * 0.45, fill=(235, 245, 255), outline=(180, 200, 220), width=3)
    pen.ellipse(x + r * 0.3, y - r * 0.8, r * 0.55, r * 0.45, fill=(235, 245, 255), outline=(180, 200, 220), width=3)
    pen.ellipse(x, y, r, r * 0.7, fill=(245, 190, 40), outline=(60, 45, 30), width=4)
    for dx in (-0.3, 0.25):
        pen.rect(x + dx * r - r * 0.12, y - r * 0.62, x + dx * r + r * 0.12, y + r * 0.62, fill=(60, 45, 30))
    pen.ellipse(x + r * 0.95, y - r * 0.1, r * 0.32, fill=(60, 45, 30))
