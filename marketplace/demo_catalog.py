"""Demo shops and products from PRODUCT.md, with pictures drawn by Pillow (marketplace.demo_pictures, no
downloads), listed on different days; and bulk scale data."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from catalog.category_tree import category_tree_ensure
from catalog.models import Category, Product, Sku
from catalog.search import listing_search_fields
from catalog.search_text import ListingText
from catalog.services import product_create, product_image_add, product_image_delete
from marketplace.demo_pictures import product_pictures, shop_banner, shop_logo
from marketplace.demo_shops import SHOPS, DemoProduct, DemoShop
from shops.models import Shop, ShopMember
from shops.services import shop_approve, shop_create, shop_update


def _upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def demo_product_photos(product: DemoProduct) -> list[SimpleUploadedFile]:
    pictures = product_pictures(subject=product.subject, name_zh=product.chinese, name_en=product.english)
    return [_upload(f"{product.subject}-{i}.jpg", data, "image/jpeg") for i, data in enumerate(pictures, start=1)]


def demo_shop_pictures(spec: DemoShop, slug: str) -> dict[str, SimpleUploadedFile]:
    subjects = [p.subject for p in spec.products]
    return {
        "logo": _upload("logo.png", shop_logo(name=spec.name, slug=slug, mark=spec.mark), "image/png"),
        "banner": _upload("banner.jpg", shop_banner(slug=slug, subjects=subjects, theme=spec.theme), "image/jpeg"),
    }


def _backdate(model, pk: int, days: int, **fields_also) -> None:
    """Demo history: when a shop opened or a product was listed (the services stamp 'now')."""
    at = timezone.now() - timedelta(days=days, hours=pk % 7, minutes=(pk * 17) % 60)
    model.objects.filter(pk=pk).update(created_at=at, **dict.fromkeys(fields_also, at))


def demo_shops_ensure(*, redraw: bool = False) -> None:
    """The demo shops and their products, approved. Idempotent: what exists is kept as it is, unless
    `redraw`, which replaces the demo shops' logos, banners and product photos with freshly drawn ones."""
    category_tree_ensure(Category)  # the migration made it; a flushed database (transactional tests) has none
    categories = {c.slug: c for c in Category.objects.all()}
    for spec in tqdm(SHOPS, desc="demo shops", unit="shop", leave=False):
        owner = User.objects.get(username=spec.owner)
        shop = Shop.objects.filter(owner=owner).first()
        if shop is None:
            shop = shop_create(
                owner=owner,
                name=spec.name,
                description=spec.description,
                province=spec.province,
                city=spec.city,
                village=spec.village,
                contact=spec.contact,
            )
            shop_update(shop=shop, **demo_shop_pictures(spec, shop.slug))
            _backdate(Shop, shop.pk, spec.opened_days_ago)
        elif redraw:
            shop_update(shop=shop, **demo_shop_pictures(spec, shop.slug))
        if shop.status != Shop.Status.APPROVED:
            shop_approve(shop_id=shop.id, reason="Demo shop")
            Shop.objects.filter(pk=shop.pk).update(
                approved_at=timezone.now() - timedelta(days=spec.opened_days_ago - 1)
            )
        shop.refresh_from_db()
        for item in spec.products:
            product = Product.objects.filter(shop=shop, title=item.title).first()
            if product is None:
                with transaction.atomic():
                    product = product_create(
                        shop=shop,
                        title=item.title,
                        description=item.description,
                        category=categories[item.category],
                        skus=[{"name": n, "price": p, "stock": s} for n, p, s in item.skus],
                        status=Product.Status.ACTIVE,
                        photos=demo_product_photos(item),
                    )
                    _backdate(Product, product.pk, item.listed_days_ago, published_at=True)
            elif redraw:
                _product_photos_replace(product, item)


def _product_photos_replace(product: Product, item: DemoProduct) -> None:
    with transaction.atomic():
        for image in list(product.images.all()):
            product_image_delete(image=image)
        for photo in demo_product_photos(item):
            product_image_add(product=product, upload=photo)


# --- scale: bulk shops and products for benchmarks ------------------------------------------------

WORDS = [
    ("腌萝卜", "pickled radish"),
    ("腊肠", "sausage"),
    ("豆腐干", "dried tofu"),
    ("腊肉", "bacon"),
    ("口红", "lipstick"),
    ("连衣裙", "dress"),
    ("板凳", "stool"),
    ("餐桌", "table"),
    ("茶叶", "tea"),
    ("蜂蜜", "honey"),
    ("面霜", "cream"),
    ("书架", "bookshelf"),
    ("辣椒酱", "chilli sauce"),
    ("米粉", "rice noodles"),
]
PLACES = [
    ("湖南", "长沙"),
    ("江苏", "宿迁"),
    ("浙江", "杭州"),
    ("广东", "广州"),
    ("四川", "成都"),
    ("云南", "昆明"),
    ("贵州", "贵阳"),
    ("福建", "福州"),
]
ADJECTIVES = ["农家", "手工", "特级", "土", "古法", "有机", "精选", "祖传"]


def seed_scale(*, shops: int, products: int, out, batch: int = 5000) -> None:
    """Bulk-inserts `shops` approved shops and `products` products (one or two SKUs each), with progress."""
    rng = random.Random(42)
    leaves = {c.id: c for c in Category.objects.filter(parent__isnull=False).select_related("parent")}
    leaf_categories = list(leaves)
    prefix = f"s{timezone.now():%y%m%d%H%M%S}"
    shop_ids: list[int] = []
    password = make_password(None)  # generated sellers cannot log in
    with tqdm(total=shops, desc="shops", unit="shop", file=out) as bar:
        for start in range(0, shops, batch):
            n = min(batch, shops - start)
            with transaction.atomic():
                users = User.objects.bulk_create(
                    [User(username=f"{prefix}-{start + i}", password=password) for i in range(n)]
                )
                new_shops = Shop.objects.bulk_create(
                    [
                        Shop(
                            owner=u,
                            name=f"{rng.choice(PLACES)[0]}{rng.choice(ADJECTIVES)}小店{start + i}",
                            slug=f"{prefix}-{start + i}",
                            province=PLACES[(start + i) % len(PLACES)][0],
                            city=PLACES[(start + i) % len(PLACES)][1],
                            status=Shop.Status.APPROVED,
                            approved_at=timezone.now(),
                        )
                        for i, u in enumerate(users)
                    ]
                )
                ShopMember.objects.bulk_create(
                    [ShopMember(shop=s, user=s.owner, role=ShopMember.Role.OWNER) for s in new_shops]
                )
            shop_ids.extend(s.id for s in new_shops)
            bar.update(n)
    if not shop_ids:
        shop_ids = list(Shop.objects.public().values_list("id", flat=True))
    shop_names = dict(Shop.objects.filter(id__in=shop_ids).values_list("id", "name"))
    if not shop_ids and products:
        raise ValueError("No approved shop to put products in: add --shops.")
    now = timezone.now()
    with tqdm(total=products, desc="products", unit="product", file=out) as bar:
        for start in range(0, products, batch):
            n = min(batch, products - start)
            rows = []
            for i in range(n):
                adjective, (word, english), (province, city) = (
                    rng.choice(ADJECTIVES),
                    rng.choice(WORDS),
                    rng.choice(PLACES),
                )
                price = Decimal(rng.randint(500, 50000)) / 100
                shop_id, category = shop_ids[(start + i) % len(shop_ids)], leaves[rng.choice(leaf_categories)]
                title, description = f"{province}{adjective}{word} {english}", f"{province}{city}{adjective}{word}"
                listing = ListingText(  # segmenting is the slow part: search_text caches each part's words
                    title=title,
                    category=[category.name, category.name_en, category.parent.name, category.parent.name_en],
                    skus=["标准装"],
                    shop=shop_names[shop_id],
                    origin=[province, city],
                    description=description,
                )
                rows.append(
                    Product(
                        shop_id=shop_id,
                        title=title,
                        description=description,
                        category_id=category.id,
                        province=province,
                        city=city,
                        status=Product.Status.ACTIVE,
                        visible=True,
                        price_min=price,
                        sales_count=rng.randint(0, 5000),
                        **listing_search_fields(listing, bulk=True),
                        published_at=now,
                    )
                )
            with transaction.atomic():
                created = Product.objects.bulk_create(rows, batch_size=min(batch, 2000))  # ≤ 65,535 parameters
                skus = [Sku(product=p, name="标准装", price=p.price_min, stock=rng.randint(0, 500)) for p in created]
                Sku.objects.bulk_create(skus, batch_size=batch)
                # catalog's in-stock flag, as its services would write it (the SKU counted)
                Product.objects.filter(pk__in=[sku.product_id for sku in skus if sku.stock]).update(in_stock=True)
            bar.update(n)
    visible = Product.objects.filter(visible=True).order_by()
    counts = visible.filter(shop=OuterRef("pk")).values("shop").annotate(n=Count("id")).values("n")
    with transaction.atomic():
        Shop.objects.filter(pk__in=visible.values("shop_id")).update(product_count=Subquery(counts))
    if connection.vendor == "postgresql":  # fresh planner statistics for the bulk rows (SQLite has none to keep)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Product._meta.db_table)}")
