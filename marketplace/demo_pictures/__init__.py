"""Pictures for the demo shops, drawn with Pillow (no downloads, no licences to track).

`product_pictures` draws a product's gallery: a cover with its name (Chinese, the English name small
below: images are shared by both languages), the product on a table beside something that goes with
it, and a group of sizes or shades or a close-up. `shop_logo` puts the shop's first character on a
colour of its own; `shop_banner` is a landscape or pattern of the shop's trade with its products.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from marketplace.demo_pictures import food, furniture, shapes, wear
from marketplace.demo_pictures.canvas import (
    RGB,
    SUPERSAMPLE,
    Pen,
    cjk_font_path,
    colour_from,
    darker,
    drop_shadow,
    font,
    gradient,
    has_cjk,
    lighter,
    mix,
    soft_background,
    stable_int,
)

__all__ = ["SUBJECTS", "cjk_font_path", "product_pictures", "shop_banner", "shop_logo"]


@dataclass(frozen=True)
class Subject:
    draw: Callable[..., None]
    backdrop: RGB  # the studio backdrop's colour
    surface: RGB  # the table or cloth it stands on in the scene picture
    companion: Callable[[Pen], None]  # what stands beside it in the scene picture (drawn at the pen's origin)
    group: str = "sizes"  # the third picture: "sizes", "shades" or "closeup"
    shades: tuple[RGB, ...] = ()


def _radish_and_chilli(pen: Pen) -> None:
    shapes.radish(pen, 0, 20, 1.0)
    shapes.chilli(pen, -120, 160, 220, -15)


def _chillies_and_garlic(pen: Pen) -> None:
    shapes.garlic(pen, 40, 40, 110)
    shapes.chilli(pen, -170, 190, 240, -10)
    shapes.chilli(pen, -60, 260, 220, 5, (180, 30, 25))


def _anise_and_chilli(pen: Pen) -> None:
    shapes.star_anise(pen, -40, 60, 110)
    shapes.star_anise(pen, 130, 170, 80)
    shapes.chilli(pen, -200, 220, 230, -8)


def _plant(pen: Pen) -> None:
    shapes.potted_plant(pen, 0, 80, 1.5)


def _flowers(pen: Pen) -> None:
    for i, (x, y) in enumerate(((-60, 40), (60, 0), (0, 120), (90, 150))):
        shapes.leaf(pen, x, y + 30, 110, 45, 120 + i * 40, (110, 170, 100))
        shapes.flower(pen, x, y, 60, ((240, 120, 150), (250, 200, 90), (150, 170, 240), (250, 150, 170))[i])


def _rose(pen: Pen) -> None:
    for i, (x, y) in enumerate(((-40, 60), (80, 120), (-100, 200))):
        shapes.leaf(pen, x + 20, y + 40, 120, 50, 30 + i * 60, (90, 150, 90))
        shapes.flower(pen, x, y, 80, (236, 120, 150), (210, 70, 110), count=6)


def _teacup(pen: Pen) -> None:
    shapes.teacup(pen, 0, 60, 1.3)
    food.tea_leaves(pen, -170, 230, 0.8)


def _honeycomb(pen: Pen) -> None:
    shapes.honeycomb(pen, 0, 90, 60)
    shapes.bee(pen, 110, -150, 55)


FOOD_SURFACE, WOOD_SURFACE, CLOTH_SURFACE = (196, 150, 100), (226, 214, 196), (240, 228, 232)
SUBJECTS: dict[str, Subject] = {
    "pickle-jar": Subject(food.pickle_jar, (245, 170, 110), FOOD_SURFACE, _radish_and_chilli),
    "sausage": Subject(food.sausage, (230, 140, 120), FOOD_SURFACE, _chillies_and_garlic, group="closeup"),
    "dried-tofu": Subject(food.dried_tofu, (225, 190, 120), FOOD_SURFACE, _anise_and_chilli),
    "bacon": Subject(food.bacon, (210, 150, 110), FOOD_SURFACE, _chillies_and_garlic, group="closeup"),
    "tea-cake": Subject(food.tea_cake, (160, 200, 140), FOOD_SURFACE, _teacup),
    "honey": Subject(food.honey_jar, (245, 200, 100), FOOD_SURFACE, _honeycomb),
    "stool": Subject(furniture.stool, (190, 200, 180), WOOD_SURFACE, _plant),
    "dining-table": Subject(furniture.dining_table, (200, 190, 170), WOOD_SURFACE, _plant),
    "bookshelf": Subject(furniture.bookshelf, (180, 195, 210), WOOD_SURFACE, _plant, group="closeup"),
    "chair": Subject(furniture.chair, (215, 200, 170), WOOD_SURFACE, _plant, group="closeup"),
    "dress": Subject(wear.dress, (240, 180, 200), CLOTH_SURFACE, _flowers, group="closeup"),
    "hanfu-top": Subject(wear.hanfu_top, (220, 170, 180), CLOTH_SURFACE, _flowers, group="closeup"),
    "linen-shirt": Subject(wear.linen_shirt, (170, 200, 220), CLOTH_SURFACE, _flowers, group="closeup"),
    "lipstick": Subject(
        wear.lipstick,
        (240, 170, 180),
        CLOTH_SURFACE,
        _rose,
        group="shades",
        shades=((190, 30, 60), (196, 110, 110), (170, 60, 40)),
    ),
    "face-cream": Subject(wear.face_cream, (245, 190, 200), CLOTH_SURFACE, _rose),
    "perfume": Subject(wear.perfume, (245, 215, 150), CLOTH_SURFACE, _rose),
}


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=86)
    return out.getvalue()


def _shrink(image: Image.Image) -> Image.Image:
    """From the supersampled drawing to the picture: a box filter over each 2 × 2 block."""
    return image.reduce(SUPERSAMPLE)


RENDER_SCALE = 0.9  # pixels per design unit when an object is first drawn, before it is fitted


def _render(draw_object: Callable[[Pen], None]) -> Image.Image:
    """The object alone on a transparent layer, cropped to what was drawn."""
    size = round(1100 * RENDER_SCALE)
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw_object(Pen(ImageDraw.Draw(layer), size / 2, size / 2, RENDER_SCALE))
    return layer.crop(layer.getbbox() or (0, 0, size, size))


def _place(image: Image.Image, thing: Image.Image, box: tuple[float, ...], *, shadow: bool = True) -> None:
    """Fits the rendered object into box (x0, y0, x1, y1), centred, standing on the box's bottom edge."""
    x0, y0, x1, y1 = box
    ratio = min((x1 - x0) / thing.width, (y1 - y0) / thing.height)
    w, h = max(1, round(thing.width * ratio)), max(1, round(thing.height * ratio))
    left, top = round((x0 + x1 - w) / 2), round(y1 - h)
    if shadow:
        drop_shadow(image, (left + w * 0.08, top + h - h * 0.03, left + w * 0.92, top + h + max(8, h * 0.05)))
    fitted = thing.resize((w, h), Image.Resampling.BICUBIC, reducing_gap=2.0)
    image.paste(fitted, (left, top), fitted)


def _subject_layer(subject: Subject, tint: RGB | None = None) -> Image.Image:
    return _render(lambda pen: subject.draw(pen, tint))


def _label(image: Image.Image, name_zh: str, name_en: str) -> None:
    """The product's name on a white card at the foot of the cover: Chinese, and English small below."""
    side = image.width
    draw = ImageDraw.Draw(image)
    chinese = name_zh if has_cjk(name_zh) and cjk_font_path() else ""
    lines = [(chinese, round(side * 0.058), (60, 40, 30))] if chinese else []
    lines.append((name_en, round(side * (0.036 if chinese else 0.05)), (120, 95, 80)))
    fonts = [font(size, cjk=has_cjk(text)) for text, size, _ in lines]
    widths = [draw.textbbox((0, 0), text, font=f)[2] for (text, _, _), f in zip(lines, fonts, strict=True)]
    height = sum(size for _, size, _ in lines) * 1.35 + side * 0.04
    card_w = min(side * 0.92, max(widths) + side * 0.1)
    top = side * 0.965 - height
    draw.rounded_rectangle(
        [(side - card_w) / 2, top, (side + card_w) / 2, side * 0.965], radius=round(side * 0.03), fill=(255, 255, 255)
    )
    y = top + side * 0.02
    for (text, size, colour), f in zip(lines, fonts, strict=True):
        draw.text((side / 2, y + size * 0.6), text, font=f, fill=colour, anchor="mm")
        y += size * 1.35


def _cover(subject: Subject, thing: Image.Image, side: int, seed: int, name_zh: str, name_en: str) -> Image.Image:
    image = soft_background(side, subject.backdrop, seed=seed)
    _place(image, thing, (side * 0.16, side * 0.08, side * 0.84, side * 0.74))
    _label(image, name_zh, name_en)
    return image


def _scene(subject: Subject, thing: Image.Image, side: int, seed: int) -> Image.Image:
    """The product on a table (or a cloth) beside what goes with it; a window of light behind."""
    back = mix(subject.backdrop, (255, 255, 255), 0.55)
    image = gradient((side, side), lighter(back, 0.35), back)
    draw = ImageDraw.Draw(image)
    left = side * (0.08 if seed % 2 else 0.52)
    window = [left, side * 0.06, left + side * 0.4, side * 0.46]
    draw.rounded_rectangle(window, radius=side // 40, fill=lighter(back, 0.6))
    draw.line([(left + side * 0.2, side * 0.06), (left + side * 0.2, side * 0.46)], fill=back, width=side // 80)
    draw.line([(left, side * 0.26), (left + side * 0.4, side * 0.26)], fill=back, width=side // 80)
    top = side * 0.72
    draw.rectangle([0, top, side, side], fill=subject.surface)
    draw.rectangle([0, top, side, top + side * 0.018], fill=lighter(subject.surface, 0.25))
    for k in range(1, 5):
        y = top + k * side * 0.06
        draw.line([(0, y), (side, y + (k % 2) * side * 0.01)], fill=darker(subject.surface, 0.05), width=side // 300)
    _place(image, thing, (side * 0.05, side * 0.2, side * 0.66, side * 0.8))
    _place(image, _render(subject.companion), (side * 0.66, side * 0.55, side * 0.96, side * 0.83))
    return image


def _group(subject: Subject, thing: Image.Image, side: int) -> Image.Image:
    image = gradient((side, side), lighter(subject.backdrop, 0.55), lighter(subject.backdrop, 0.8), horizontal=True)
    if subject.group == "closeup":
        ratio = side * 1.35 / max(thing.width, thing.height)
        w, h = round(thing.width * ratio), round(thing.height * ratio)
        big = thing.resize((w, h), Image.Resampling.BICUBIC, reducing_gap=2.0)
        image.paste(big, (round((side - w) / 2), round(side * 0.08)), big)
        return image
    floor = side * 0.8
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, floor, side, side], fill=lighter(subject.backdrop, 0.45))
    if subject.group == "shades":
        for i, tint in enumerate(subject.shades[:3]):
            x = side * (0.04 + i * 0.31)
            _place(image, _subject_layer(subject, tint), (x, side * 0.22, x + side * 0.3, floor + side * 0.02))
        return image
    _place(image, thing, (side * 0.04, side * 0.1, side * 0.6, floor + side * 0.02))
    _place(image, thing, (side * 0.6, side * 0.42, side * 0.96, floor + side * 0.02))
    return image


def product_pictures(*, subject: str, name_zh: str, name_en: str, count: int = 3, side: int = 800) -> list[bytes]:
    """JPEG pictures of one product: the cover with its name, then a scene and a group (or a close-up)."""
    spec = SUBJECTS[subject]
    seed = stable_int(f"{subject}/{name_zh}/{name_en}")
    thing = _subject_layer(spec)  # drawn once, fitted into each picture (the fitting smooths its edges)
    makers = [
        lambda: _cover(spec, thing, side, seed, name_zh, name_en),
        lambda: _scene(spec, thing, side, seed),
        lambda: _group(spec, thing, side),
    ]
    return [_jpeg(make()) for make in makers[:count]]


def shop_logo(*, name: str, slug: str, mark: str = "", side: int = 320) -> bytes:
    """The shop's first character (or `mark`) in white on a colour that comes from its slug; PNG."""
    colour = colour_from(slug)
    big = side * SUPERSAMPLE
    image = gradient((big, big), lighter(colour, 0.12), darker(colour, 0.12))
    draw = ImageDraw.Draw(image)
    inset = big * 0.07
    draw.ellipse([inset, inset, big - inset, big - inset], outline=lighter(colour, 0.3), width=round(big * 0.018))
    text = (mark or name.strip()[:1]) or slug[:1].upper()
    if has_cjk(text) and not cjk_font_path():  # no Chinese font: the initials of the name's pinyin (HN)
        text = "".join(syllable[:1] for syllable in slug.split("-")[:2]).upper()
    f = font(round(big * (0.5 if len(text) == 1 else 0.36)), cjk=has_cjk(text))
    draw.text((big / 2, big / 2), text, font=f, fill=(255, 255, 255), anchor="mm")
    out = io.BytesIO()
    _shrink(image).save(out, "PNG", optimize=True)
    return out.getvalue()


def _hills(draw: ImageDraw.ImageDraw, w: int, h: int, greens: Sequence[RGB], seed: int) -> None:
    for i, colour in enumerate(greens):
        base = h * (0.5 + i * 0.13)
        for k in range(5):
            cx = ((seed >> (k * 5 + i)) % 100) / 100 * w * 0.2 + k * w * 0.24 - w * 0.05
            r = w * (0.2 + 0.04 * ((k + i) % 3))
            draw.ellipse([cx - r, base, cx + r, base + r * 0.9], fill=colour)
            for t in range(1, 4):  # terraces follow the hill
                inset = r * 0.12 * t
                draw.arc(
                    [cx - r + inset, base + inset * 0.6, cx + r - inset, base + r * 0.9],
                    200,
                    340,
                    fill=lighter(colour, 0.18),
                    width=max(2, h // 150),
                )


def _banner_backdrop(theme: str, colour: RGB, w: int, h: int, seed: int) -> Image.Image:
    if theme in {"fields", "tea"}:
        image = gradient((w, h), (196, 226, 245), lighter(colour, 0.8))
        draw = ImageDraw.Draw(image)
        sun = w * (0.4 + (seed % 7) / 100)  # between the shop's name and its products
        draw.ellipse([sun, h * 0.3, sun + h * 0.16, h * 0.46], fill=(255, 232, 170))
        for k in range(3):  # clouds
            x, y = w * (0.25 + 0.22 * k + (seed >> k) % 5 / 100), h * (0.14 + 0.06 * (k % 2))
            for dx, r in ((0, 0.07), (0.045, 0.09), (0.095, 0.065)):
                draw.ellipse([x + dx * w - r * h, y - r * h, x + dx * w + r * h, y + r * h], fill=(255, 255, 255))
        if theme == "tea":
            greens: list[RGB] = [(150, 196, 120), (104, 160, 92), (70, 128, 72)]
        else:
            greens = [(214, 196, 120), (156, 182, 96), (104, 150, 80)]
        _hills(draw, w, h, greens, seed)
        return image
    if theme == "workshop":
        image = Image.new("RGB", (w, h), (132, 92, 58))  # the seams between the planks
        draw = ImageDraw.Draw(image)
        plank = w // 10
        for k in range(11):
            tone = mix((214, 170, 118), (176, 128, 84), ((seed >> k) % 5) / 5)
            draw.rectangle([k * plank, 0, (k + 1) * plank - max(2, h // 120), h], fill=tone)
            for g in range(5):
                x = k * plank + plank * (0.15 + 0.17 * g)
                draw.line([(x, 0), (x + plank * 0.06, h)], fill=darker(tone, 0.07), width=max(2, h // 250))
        draw.rectangle([0, h * 0.86, w, h], fill=darker((176, 128, 84), 0.25))
        return image
    image = gradient((w, h), lighter(colour, 0.82), lighter(colour, 0.6), horizontal=True)
    draw = ImageDraw.Draw(image)
    pen = Pen(draw, 0, 0, 1)
    for i in range(40):
        x = ((stable_int(f"{seed}/{i}/x") % 1000) / 1000) * w
        y = ((stable_int(f"{seed}/{i}/y") % 1000) / 1000) * h
        if w * 0.5 < x < w * 0.9 and h * 0.25 < y < h * 0.75:
            continue  # the products stand there
        if theme == "floral":
            petals = [(255, 255, 255), lighter(colour, 0.45), colour][i % 3]
            shapes.flower(pen, x, y, h * (0.04 + (i % 3) * 0.015), petals, (250, 220, 140))
        else:
            r = h * (0.015 + (i % 5) * 0.012)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=lighter(colour, 0.55 + (i % 3) * 0.12))
    return image


def shop_banner(*, slug: str, subjects: Sequence[str], theme: str, width: int = 1600, height: int = 500) -> bytes:
    """A JPEG banner: a scene for the shop's trade (`theme`: fields, tea, workshop, floral, studio) in its
    own colours, and up to three of its products on the right. The shop page crops a banner to a wide
    strip (y 30–70 %) on a desktop and to its middle (x 12–88 %) on a phone, and writes the shop's name
    over its lower part: the products stand in the upper half of what both keep."""
    colour = colour_from(slug)
    w, h = width * SUPERSAMPLE, height * SUPERSAMPLE
    seed = stable_int(slug)
    image = _banner_backdrop(theme, colour, w, h, seed)
    picked = list(subjects)[:3]
    left, right = w * 0.56, w * 0.87
    slot = (right - left) / max(1, len(picked))
    for i, name in enumerate(picked):
        x = left + i * slot
        _place(image, _subject_layer(SUBJECTS[name]), (x + slot * 0.06, h * 0.32, x + slot * 0.94, h * 0.55))
    return _jpeg(_shrink(image))
