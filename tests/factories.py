"""The suite's test data, in one place: people, shops, categories, products and SKUs, conversations, shows.

factory_boy factories for rows whose fields are plain (`UserFactory`, `ShopFactory`, `ProductFactory`,
`SkuFactory`); `make_product` and `make_show` go through the services where derived fields (visibility,
search words, stream keys) must be right."""

from __future__ import annotations

import io
import struct
import zlib
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.authtoken.models import Token

from accounts.models import User
from catalog.models import Category, Product, Sku
from chat.models import Conversation
from shops.models import Shop, ShopMember

PASSWORD = "correct-horse-42"
ADDRESS = {"name": "王小明", "phone": "13800000000", "province": "湖北", "city": "武汉", "line": "珞喻路 100 号"}


# --- people -------------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


class OperatorFactory(UserFactory):
    """Staff in the operators' group (marketplace.operators): an operator's rights, not a superuser's."""

    is_staff = True

    @factory.post_generation
    def operators_group(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            from marketplace.operators import operators_group_ensure

            obj.groups.add(operators_group_ensure())


def token_for(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


# --- shops --------------------------------------------------------------------------------------------


class ShopFactory(factory.django.DjangoModelFactory):
    """An approved shop with its owner as a member."""

    class Meta:
        model = Shop
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"测试小店{n}")
    slug = factory.Sequence(lambda n: f"shop-{n}")
    province = "湖南"
    city = "长沙"
    status = Shop.Status.APPROVED

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            ShopMember.objects.get_or_create(shop=obj, user=obj.owner, defaults={"role": ShopMember.Role.OWNER})


def staff_for(shop: Shop, **kwargs) -> User:
    """A new person working for `shop` as staff."""
    user = UserFactory(**kwargs)
    ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)
    return user


# --- catalogue ----------------------------------------------------------------------------------------


def leaf_category(slug: str = "pickles") -> Category:
    """A leaf of the base category tree (products are filed under leaves only)."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:  # transactional tests flush the data migration's rows
        from catalog.category_tree import category_tree_ensure

        category_tree_ensure(Category)
        category = Category.objects.get(slug=slug)
    return category


class ProductFactory(factory.django.DjangoModelFactory):
    """An active, visible product without SKUs (give it some with SkuFactory, or use ProductWithSkuFactory)."""

    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    title = factory.Sequence(lambda n: f"农家腌萝卜 {n}")
    category = factory.LazyFunction(leaf_category)
    status = Product.Status.ACTIVE
    visible = True
    price_min = Decimal("28.00")


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"500 g 罐装 {n}")
    price = Decimal("28.00")
    stock = 100

    @factory.post_generation
    def product_in_stock(obj, create, extracted, **kwargs):  # noqa: N805 (factory_boy passes the instance)
        """The product's in-stock flag, as catalog's services keep it (a factory writes rows directly)."""
        if create:
            stocked = Sku.objects.filter(product_id=obj.product_id, is_active=True, stock__gt=0).exists()
            Product.objects.filter(pk=obj.product_id).update(in_stock=stocked)
            obj.product.in_stock = stocked


class ProductWithSkuFactory(ProductFactory):
    """A product on sale with one SKU at its lowest price."""

    description = "五花腊肉，咸香带辣。"
    sku = factory.RelatedFactory(
        SkuFactory, factory_related_name="product", name="1 kg", price=factory.SelfAttribute("..price_min"), stock=40
    )


def sku_in_shop(shop: Shop, *, price: str = "28.00", stock: int = 100) -> Sku:
    return SkuFactory(product=ProductFactory(shop=shop, price_min=Decimal(price)), price=Decimal(price), stock=stock)


def make_product(
    *,
    shop=None,
    title="湖南农家腌萝卜 Hunan Pickled Radish",
    category="pickles",
    skus=(("500 g 罐装", "28.00", 10),),
    status=Product.Status.ACTIVE,
    **extra,
) -> Product:
    """A product made through the catalogue service, so derived fields (visibility, search) are right."""
    from catalog.services import product_create

    return product_create(
        shop=shop or ShopFactory(),
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

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


# --- chat and live ------------------------------------------------------------------------------------


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    buyer = factory.SubFactory(UserFactory)
    shop = factory.SubFactory(ShopFactory)


def make_show(*, shop=None, title: str = "腌萝卜直播", **kwargs):
    from live.services.shows import show_create

    return show_create(shop=shop or ShopFactory(), title=title, **kwargs)
