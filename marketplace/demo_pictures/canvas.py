"""The drawing kit behind the demo's pictures: a pen in design units, soft backgrounds, shadows, fonts.

Every object is drawn in a 1000 × 1000 design box centred on (0, 0); a `Pen` maps it onto the image at
any centre and scale, so the same drawing serves a cover, a close-up and a group of several sizes.
Images are drawn at twice their size and scaled down, which smooths the edges like vector art.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

RGB = tuple[int, int, int]
SUPERSAMPLE = 2

# Debian's fonts-wqy-zenhei (scripts/install-browser.sh installs it) and Noto CJK; others through fontconfig.
CJK_FONT_PATHS = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]
LATIN_FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
]


@functools.cache
def cjk_font_path() -> str | None:
    """A font with Chinese glyphs, or None (then pictures carry no Chinese text)."""
    for path in CJK_FONT_PATHS:
        if Path(path).exists():
            return path
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            found = subprocess.run(  # noqa: S603 (a fixed command, no input)
                [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        for line in sorted(found.splitlines()):
            path = line.split(":")[0].strip()
            if path and Path(path).exists():
                return path
    return None


@functools.cache
def font(size: int, *, cjk: bool) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    paths = [cjk_font_path()] if cjk else LATIN_FONT_PATHS
    for path in paths:
        if path and Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def stable_int(text: str) -> int:
    """The same number for the same text in every process (Python's hash() is salted)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


# Colours that carry white text; a shop gets one from its slug.
SHOP_COLOURS: list[RGB] = [
    (214, 69, 65),
    (230, 120, 40),
    (196, 140, 20),
    (76, 150, 70),
    (30, 140, 130),
    (45, 120, 190),
    (90, 90, 190),
    (150, 75, 170),
    (205, 70, 130),
    (150, 95, 60),
]


def colour_from(text: str) -> RGB:
    """The same colour for the same text (a slug), in every process."""
    return SHOP_COLOURS[stable_int(text) % len(SHOP_COLOURS)]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def lighter(c: RGB, t: float = 0.3) -> RGB:
    return mix(c, (255, 255, 255), t)


def darker(c: RGB, t: float = 0.3) -> RGB:
    return mix(c, (0, 0, 0), t)


class Pen:
    """Draws in design units (the object's box is -500…500 on both axes) at (cx, cy) in pixels, `scale`
    pixels per unit."""

    def __init__(self, draw: ImageDraw.ImageDraw, cx: float, cy: float, scale: float):
        self.draw, self.cx, self.cy, self.scale = draw, cx, cy, scale

    def at(self, x: float, y: float, scale: float = 1.0) -> Pen:
        """A pen for a smaller drawing placed at (x, y) of this one."""
        return Pen(self.draw, *self.pt(x, y), self.scale * scale)

    def pt(self, x: float, y: float) -> tuple[float, float]:
        return self.cx + x * self.scale, self.cy + y * self.scale

    def w(self, units: float) -> int:
        return max(1, round(units * self.scale))

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        (a, b), (c, d) = self.pt(x0, y0), self.pt(x1, y1)
        return [min(a, c), min(b, d), max(a, c), max(b, d)]

    def rect(self, x0, y0, x1, y1, fill=None, outline=None, width: float = 0, r: float = 0) -> None:
        box = self._box(x0, y0, x1, y1)
        if r:
            self.draw.rounded_rectangle(box, radius=self.w(r), fill=fill, outline=outline, width=self._wo(width))
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=self._wo(width))

    def ellipse(self, x, y, rx, ry=None, fill=None, outline=None, width: float = 0) -> None:
        ry = rx if ry is None else ry
        self.draw.ellipse(self._box(x - rx, y - ry, x + rx, y + ry), fill=fill, outline=outline, width=self._wo(width))

    def pieslice(self, x, y, rx, ry, start, end, fill=None) -> None:
        self.draw.pieslice(self._box(x - rx, y - ry, x + rx, y + ry), start, end, fill=fill)

    def arc(self, x, y, rx, ry, start, end, fill, width: float) -> None:
        self.draw.arc(self._box(x - rx, y - ry, x + rx, y + ry), start, end, fill=fill, width=self.w(width))

    def poly(self, points: Sequence[tuple[float, float]], fill=None, outline=None, width: float = 0) -> None:
        self.draw.polygon([self.pt(x, y) for x, y in points], fill=fill, outline=outline, width=self._wo(width))

    def line(self, points: Sequence[tuple[float, float]], fill, width: float) -> None:
        pixels = [self.pt(x, y) for x, y in points]
        w = self.w(width)
        self.draw.line(pixels, fill=fill, width=w, joint="curve")
        if w > 3:  # round caps
            for px, py in (pixels[0], pixels[-1]):
                self.draw.ellipse([px - w / 2 + 0.5, py - w / 2 + 0.5, px + w / 2 - 0.5, py + w / 2 - 0.5], fill=fill)

    def text(self, x, y, text: str, size: float, fill, *, cjk: bool | None = None, anchor: str = "mm") -> None:
        cjk = has_cjk(text) if cjk is None else cjk
        if cjk and cjk_font_path() is None:
            return
        self.draw.text(self.pt(x, y), text, font=font(self.w(size), cjk=cjk), fill=fill, anchor=anchor)

    def _wo(self, width: float) -> int:
        return self.w(width) if width else 0


def gradient(size: tuple[int, int], top: RGB, bottom: RGB, *, horizontal: bool = False) -> Image.Image:
    """A two-colour gradient: a 256-step strip, stretched along and then across (fast at any size)."""
    length = size[0] if horizontal else size[1]
    strip = Image.new("RGB", (256, 1) if horizontal else (1, 256))
    strip.putdata([mix(top, bottom, i / 255) for i in range(256)])
    strip = strip.resize((length, 1) if horizontal else (1, length), Image.Resampling.BILINEAR)
    return strip.resize(size, Image.Resampling.NEAREST)


def soft_background(side: int, base: RGB, *, seed: int, bubbles: int = 5) -> Image.Image:
    """A pale gradient with a few large soft circles: the studio backdrop of every product picture."""
    image = gradient((side, side), lighter(base, 0.82), lighter(base, 0.62))
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    rnd = seed
    for i in range(bubbles):
        rnd = (rnd * 6364136223846793005 + 1442695040888963407 + i) % (1 << 64)
        x, y = (rnd >> 8) % side, (rnd >> 24) % side
        radius = side // 8 + (rnd >> 40) % (side // 4)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(*lighter(base, 0.9), 90))
    image.paste(layer, (0, 0), layer)
    return image


def drop_shadow(image: Image.Image, box: tuple[float, float, float, float], *, strength: int = 70) -> None:
    """A blurred ellipse under an object (blurred small, then scaled: cheap at any size)."""
    x0, y0, x1, y1 = (round(v) for v in box)
    w, h = max(4, x1 - x0), max(4, y1 - y0)
    small = Image.new("L", (max(4, w // 8) + 8, max(4, h // 8) + 8), 0)
    ImageDraw.Draw(small).ellipse([4, 4, small.width - 5, small.height - 5], fill=strength)
    small = small.filter(ImageFilter.GaussianBlur(2))
    mask = small.resize((w + w // 4, h + h // 2), Image.Resampling.BILINEAR)
    shade = Image.new("RGB", mask.size, (60, 45, 35))
    image.paste(shade, (x0 - w // 8, y0 - h // 4), mask)
