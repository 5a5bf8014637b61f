"""Products made through the catalogue services, so derived fields (visibility, search) are right."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Category, Product
from catalog.services import product_create
from shops.tests.factories import ShopFactory


def leaf_category(slug: str = "pickles") -> Category:
    from catalog.category_tree import category_tree_ensure

    category_tree_ensure(Category)  # transactional tests flush the data migration's rows
    return Category.objects.get(slug=slug)


def make_product(
    *,
    shop=None,
    title="湖南农家腌萝卜 Hunan Pickled Radish",
    category="pickles",
    skus=(("500 g 罐装", "28.00", 10),),
    status=Product.Status.ACTIVE,
    **extra,
) -> Product:
    shop = shop or ShopFactory()
    return product_create(
        shop=shop,
        title=title,
        category=leaf_category(category),
        status=status,
        skus=[{"name": n, "price": p, "stock": s} for n, p, s in skus],
        **extra,
    )


def image_bytes(fmt: str = "JPEG", size=(64, 48), colour=(200, 80, 40), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save_kwargs)
    return out.getvalue()


def upload(name: str = "photo.jpg", data: bytes | None = None, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else image_bytes(), content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width × height but carries almost no data: a decompression bomb's shape."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
