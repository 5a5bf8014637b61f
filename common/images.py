"""Uploaded images: checked by content, capped in bytes and pixels, EXIF stripped, renamed.

Used for product photos, shop logos and banners, chat attachments and review photos.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from common.errors import DomainError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Far below Pillow's own decompression-bomb limit (about 89 megapixels).
MAX_PIXELS = 30_000_000
MAX_SIDE = 8000


class InvalidImage(DomainError):
    code = "invalid_image"
    status = 400
    default_message = gettext_lazy("The file is not a JPEG, PNG or WebP image.")


class ImageTooLarge(DomainError):
    code = "too_large"
    status = 413
    default_message = gettext_lazy("The image is too large.")


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ImageTooLarge(_("Images may be at most %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageTooLarge(_("Images may be at most %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    return data


def sanitize_image(upload, *, max_side: int = 2400) -> tuple[ContentFile, int, int]:
    """Returns a re-encoded copy (no EXIF, no trailing bytes) under a generated name, and its size."""
    data = _read(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format
            width, height = probe.size
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
            raise ImageTooLarge(_("The image has too many pixels.")) from exc
        raise InvalidImage(_("The file is not a JPEG, PNG or WebP image.")) from exc
    if fmt not in ALLOWED_FORMATS:
        raise InvalidImage(_("Only JPEG, PNG and WebP images are accepted."))
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageTooLarge(_("The image is too large: at most %(side)d pixels a side.") % {"side": MAX_SIDE})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
            image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InvalidImage(_("The image is damaged or truncated.")) from exc
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    ext = ALLOWED_FORMATS[fmt]
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}"), image.width, image.height


def image_field_file_from_upload(upload, *, field: str, max_side: int = 2400) -> ContentFile:
    """For an ImageField assignment; the error names the form field."""
    try:
        content, _w, _h = sanitize_image(upload, max_side=max_side)
    except DomainError as exc:
        exc.fields = {field: [exc.message]}
        raise
    return content


def make_thumbnail(data: bytes, *, side: int = 400) -> ContentFile:
    image = Image.open(io.BytesIO(data))
    image = ImageOps.fit(image.convert("RGB"), (side, side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
