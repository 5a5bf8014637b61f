"""Codes in chat photos: a WeChat or Alipay QR code in a picture moves the deal (or the payment) off the
platform just as a typed phone number does, so a photo that carries one is held for an operator."""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp
from PIL import Image

# QR codes in all their forms, and the other 2-D codes payment apps and messengers print.
FORMATS = zxingcpp.BarcodeFormat.AllMatrix
# Phone photos are large; codes stay readable at this size and decoding stays in the tens of milliseconds.
MAX_SIDE = 1600


@dataclass(frozen=True)
class CodeFound:
    format: str
    text: str


def image_codes_find(image: Image.Image) -> list[CodeFound]:
    """The 2-D codes (QR, Data Matrix…) zxing-cpp reads in `image`."""
    picture = image.convert("L")
    if max(picture.size) > MAX_SIDE:
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
    found = zxingcpp.read_barcodes(picture, formats=FORMATS, try_rotate=True, try_downscale=True)
    return [CodeFound(format=str(code.format), text=code.text) for code in found]


def file_codes_find(file) -> list[CodeFound]:
    """The codes in an image file (a sanitized upload); the file is left at its start for whoever stores it."""
    file.seek(0)
    try:
        with Image.open(file) as image:
            return image_codes_find(image)
    finally:
        file.seek(0)
