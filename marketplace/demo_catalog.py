"""Demo shops and products from PRODUCT.md, with pictures drawn by Pillow (marketplace.demo_pictures, no
downloads), listed on different days; and bulk scale data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from catalog.category_tree import category_tree_ensure
from catalog.models import Category, Product, Sku
from catalog.search import search_document
from catalog.services import product_create, product_image_add, product_image_delete
from marketplace.demo_pictures import product_pictures, shop_banner, shop_logo
from shops.models import Shop, ShopMember
from shops.services import shop_approve, shop_create, shop_update


@dataclass(frozen=True)
class DemoProduct:
    title: str  # "中文名 English name": the Chinese part is written on the cover
    category: str
    english: str  # the short English name under it
    description: str
    skus: list[tuple[str, str, int]]
    subject: str  # what marketplace.demo_pictures draws
    listed_days_ago: int  # "new arrivals" are the most recently listed

    @property
    def chinese(self) -> str:
        return self.title.split(" ")[0]


@dataclass(frozen=True)
class DemoShop:
    owner: str
    name: str
    province: str
    city: str
    village: str
    contact: str
    description: str
    theme: str  # the banner's scene
    products: list[DemoProduct]
    mark: str = ""  # the logo's character when the first one says little ("小…")

    @property
    def opened_days_ago(self) -> int:
        return max(p.listed_days_ago for p in self.products) + 20


SHOPS = [
    DemoShop(
        owner="farmer",
        name="湖南老农家",
        province="湖南",
        city="湘西",
        village="芙蓉镇石板村",
        contact="微信 laonongjia",
        theme="fields",
        description="我们一家三代在湘西种菜、养猪。腌萝卜是奶奶的手艺，腊肉用自家柴火慢慢熏。\n"
        "Three generations of our family farm in western Hunan. Grandma makes the pickles; "
        "the bacon is smoked over our own wood fire.",
        products=[
            DemoProduct(
                "湖南农家腌萝卜 Hunan Pickled Radish",
                "pickles",
                "Pickled radish",
                "自家种的白萝卜，晒干后用辣椒、蒜和盐腌制三个月。酸辣爽脆，下饭一绝。\n"
                "Home-grown radish, sun-dried, pickled for three months with chilli, garlic and salt.",
                [("500 g 罐装", "28.00", 120), ("1 kg 罐装", "50.00", 60)],
                "pickle-jar",
                210,
            ),
            DemoProduct(
                "农家烟熏腊肠 Smoked Pork Sausage",
                "cured-meat",
                "Smoked sausage",
                "土猪肉灌制，柴火烟熏四十天。微辣，蒸二十分钟即可。",
                [("500 g", "68.00", 80), ("1 kg 礼盒", "128.00", 30)],
                "sausage",
                160,
            ),
            DemoProduct(
                "手工五香豆腐干 Spiced Dried Tofu",
                "tofu",
                "Dried tofu",
                "石磨黄豆，手工压制，五香卤汁慢煮。",
                [("250 g", "18.00", 200)],
                "dried-tofu",
                120,
            ),
            DemoProduct(
                "湘西腊肉 Xiangxi Smoked Bacon",
                "cured-meat",
                "Smoked bacon",
                "五花腊肉，咸香带辣。辣度可以在聊天里告诉我们。",
                [("1 kg", "128.00", 40)],
                "bacon",
                95,
            ),
        ],
    ),
    DemoShop(
        owner="carpenter",
        name="东风村木艺",
        province="江苏",
        city="宿迁",
        village="沭阳县东风村",
        contact="电话 0527-0000000",
        theme="workshop",
        description="东风村是有名的淘宝村，我们的作坊做了十五年实木家具。\n"
        "Dongfeng is a well-known Taobao village; our workshop has made solid-wood furniture for 15 years.",
        products=[
            DemoProduct(
                "实木小板凳 Solid Wood Stool",
                "chairs",
                "Wood stool",
                "榆木整料，榫卯结构，不用一颗钉子。",
                [("矮款 30 cm", "89.00", 50), ("高款 45 cm", "109.00", 35)],
                "stool",
                300,
            ),
            DemoProduct(
                "原木餐桌 Oak Dining Table",
                "tables",
                "Dining table",
                "白橡木，桌面 4 cm 厚，包物流上门。",
                [("1.2 m", "1299.00", 8), ("1.4 m", "1499.00", 5)],
                "dining-table",
                250,
            ),
            DemoProduct(
                "实木书架 Bookshelf",
                "cabinets",
                "Bookshelf",
                "五层书架，承重好，安装简单。",
                [("五层", "459.00", 12)],
                "bookshelf",
                45,
            ),
            DemoProduct(
                "实木靠背餐椅 Solid Wood Dining Chair",
                "chairs",
                "Dining chair",
                "榉木框架，亚麻坐垫可拆洗；和原木餐桌是一套。",
                [("单把", "269.00", 24), ("两把装", "519.00", 10)],
                "chair",
                6,
            ),
        ],
    ),
    DemoShop(
        owner="fashion",
        name="小鹿原创女装",
        province="浙江",
        city="杭州",
        village="",
        contact="",
        theme="floral",
        mark="鹿",
        description="原创设计，小批量生产。Original designs, made in small batches.",
        products=[
            DemoProduct(
                "碎花连衣裙 Floral Summer Dress",
                "womens",
                "Floral dress",
                "雪纺面料，清新碎花。",
                [("S", "159.00", 20), ("M", "159.00", 25), ("L", "159.00", 15)],
                "dress",
                30,
            ),
            DemoProduct(
                "改良汉服上衣 Modern Hanfu Top",
                "hanfu",
                "Hanfu top",
                "日常可穿的改良汉服。",
                [("M", "229.00", 10), ("L", "229.00", 8)],
                "hanfu-top",
                12,
            ),
            DemoProduct(
                "男士亚麻衬衫 Men's Linen Shirt",
                "mens",
                "Linen shirt",
                "水洗亚麻，透气不闷，越穿越软。",
                [("M", "199.00", 18), ("L", "199.00", 20), ("XL", "199.00", 12)],
                "linen-shirt",
                3,
            ),
        ],
    ),
    DemoShop(
        owner="beauty",
        name="小美美妆",
        province="广东",
        city="广州",
        village="",
        contact="",
        theme="studio",
        mark="美",
        description="口红测评博主自己的店：每一支都亲自试色。A lipstick reviewer's own shop.",
        products=[
            DemoProduct(
                "丝绒哑光口红 Velvet Matte Lipstick",
                "lipstick",
                "Lipstick",
                "哑光不拔干，三个色号。",
                [("#01 正红", "89.00", 60), ("#02 豆沙", "89.00", 60), ("#03 枫叶", "89.00", 40)],
                "lipstick",
                80,
            ),
            DemoProduct(
                "玫瑰保湿面霜 Rose Moisturiser",
                "skincare",
                "Moisturiser",
                "保加利亚玫瑰精油，温和保湿。",
                [("50 ml", "129.00", 45)],
                "face-cream",
                60,
            ),
            DemoProduct(
                "桂花淡香水 Osmanthus Eau de Toilette",
                "fragrance",
                "Osmanthus perfume",
                "秋天桂花的甜香，清淡不腻，留香四小时。",
                [("30 ml", "168.00", 30), ("50 ml", "238.00", 20)],
                "perfume",
                2,
            ),
        ],
    ),
    DemoShop(
        owner="teafarm",
        name="云岭茶园",
        province="云南",
        city="普洱",
        village="澜沧县景迈山",
        contact="",
        theme="tea",
        description="景迈山上的古茶园，春茶手工采摘、日晒、石磨压饼。山上的蜜蜂也帮我们酿蜂蜜。\n"
        "An old tea garden on Jingmai Mountain: spring leaves picked by hand, sun-dried and pressed into cakes; "
        "the mountain's bees make our honey.",
        products=[
            DemoProduct(
                "景迈山普洱熟茶饼 Jingmai Pu'er Tea Cake",
                "tea",
                "Pu'er tea cake",
                "古树春茶，357 克一饼，越放越醇。",
                [("357 g 一饼", "198.00", 40), ("七饼一提", "1280.00", 6)],
                "tea-cake",
                40,
            ),
            DemoProduct(
                "野生土蜂蜜 Wild Mountain Honey",
                "honey",
                "Wild honey",
                "山里野生中华蜂一年只取一次的百花蜜，自然结晶。",
                [("500 g", "88.00", 50)],
                "honey",
                9,
            ),
        ],
    ),
]


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
    leaf_categories = list(Category.objects.filter(parent__isnull=False).values_list("id", flat=True))
    prefix = f"s{timezone.now():%y%m%d%H%M%S}"
    documents = {}
    for adjective in ADJECTIVES:  # segmenting is the slow part: do it per word pair, not per row
        for (word, english), (province, city) in [(w, p) for w in WORDS for p in PLACES]:
            documents[(adjective, word, province)] = search_document([f"{province}{adjective}{word} {english}", city])
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
                rows.append(
                    Product(
                        shop_id=shop_ids[(start + i) % len(shop_ids)],
                        title=f"{province}{adjective}{word} {english}",
                        description=f"{province}{city}{adjective}{word}",
                        category_id=rng.choice(leaf_categories),
                        province=province,
                        city=city,
                        status=Product.Status.ACTIVE,
                        visible=True,
                        price_min=price,
                        sales_count=rng.randint(0, 5000),
                        search_document=documents[(adjective, word, province)],
                        published_at=now,
                    )
                )
            with transaction.atomic():
                created = Product.objects.bulk_create(rows, batch_size=batch)
                Sku.objects.bulk_create(
                    [Sku(product=p, name="标准装", price=p.price_min, stock=rng.randint(0, 500)) for p in created],
                    batch_size=batch,
                )
            bar.update(n)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shops_shop SET product_count = c.n FROM (SELECT shop_id, count(*) AS n FROM catalog_product "
            "WHERE visible GROUP BY shop_id) c WHERE shops_shop.id = c.shop_id"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_product")
