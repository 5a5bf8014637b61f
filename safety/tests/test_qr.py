import io

import segno
from PIL import Image, ImageDraw

from marketplace.demo_pictures import SUBJECTS, product_pictures
from safety.qr import image_codes_find


def qr_photo(text: str, *, angle: int = 0, size: int = 900) -> Image.Image:
    """A QR code printed on a card in the middle of a photo-like background, slightly turned."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").rotate(angle, expand=True, fillcolor="white")
    photo = Image.new("RGB", (size, size), (182, 140, 96))
    ImageDraw.Draw(photo).ellipse([40, 40, size - 40, size - 40], fill=(120, 160, 90))
    photo.paste(code, ((size - code.width) // 2, (size - code.height) // 2))
    return photo


def test_a_wechat_or_alipay_qr_code_in_a_photo_is_found():
    for text in ("https://u.wechat.com/EKxyz123", "https://qr.alipay.com/fkx12345abcde"):
        found = image_codes_find(qr_photo(text, angle=7))
        assert [code.text for code in found] == [text]


def test_a_large_phone_photo_is_read_after_shrinking():
    assert image_codes_find(qr_photo("https://u.wechat.com/EKbig", size=3000))


def test_product_photos_carry_no_code():
    for subject in list(SUBJECTS)[:4]:
        for picture in product_pictures(subject=subject, name_zh="腌萝卜", name_en="Pickled radish"):
            assert image_codes_find(Image.open(io.BytesIO(picture))) == []
