"""Demo shops and products from PRODUCT.md, with photos drawn by Pillow (no downloads), and bulk scale data."""

from __future__ import annotations

import io
import random
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from accounts.models import User
from catalog.models import Category, Product, Sku
from catalog.search import search_document
from catalog.services import product_create
from shops.models import Shop, ShopMember
from shops.services import shop_approve, shop_create

CJK_FONTS = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]

SHOPS = [
    {
        "owner": "farmer",
        "name": "湖南老农家",
        "province": "湖南",
        "city": "湘西",
        "village": "芙蓉镇石板村",
        "contact": "微信 laonongjia",
        "colour": (196, 90, 40),
        "description": "我们一家三代在湘西种菜、养猪。腌萝卜是奶奶的手艺，腊肉用自家柴火慢慢熏。\n"
        "Three generations of our family farm in western Hunan. Grandma makes the pickles; "
        "the bacon is smoked over our own wood fire.",
        "products": [
            (
                "湖南农家腌萝卜 Hunan Pickled Radish",
                "pickles",
                "Pickled radish",
                "自家种的白萝卜，晒干后用辣椒、蒜和盐腌制三个月。酸辣爽脆，下饭一绝。\n"
                "Home-grown radish, sun-dried, pickled for three months with chilli, garlic and salt.",
                [("500 g 罐装", "28.00", 120), ("1 kg 罐装", "50.00", 60)],
                (230, 140, 60),
            ),
            (
                "农家烟熏腊肠 Smoked Pork Sausage",
                "cured-meat",
                "Smoked sausage",
                "土猪肉灌制，柴火烟熏四十天。微辣，蒸二十分钟即可。",
                [("500 g", "68.00", 80), ("1 kg 礼盒", "128.00", 30)],
                (170, 50, 40),
            ),
            (
                "手工五香豆腐干 Spiced Dried Tofu",
                "tofu",
                "Dried tofu",
                "石磨黄豆，手工压制，五香卤汁慢煮。",
                [("250 g", "18.00", 200)],
                (190, 150, 90),
            ),
            (
                "湘西腊肉 Xiangxi Smoked Bacon",
                "cured-meat",
                "Smoked bacon",
                "五花腊肉，咸香带辣。辣度可以在聊天里告诉我们。",
                [("1 kg", "128.00", 40)],
                (150, 60, 30),
            ),
        ],
    },
    {
        "owner": "carpenter",
        "name": "东风村木艺",
        "province": "江苏",
        "city": "宿迁",
        "village": "沭阳县东风村",
        "contact": "电话 0527-0000000",
        "colour": (140, 100, 60),
        "description": "东风村是有名的淘宝村，我们的作坊做了十五年实木家具。\n"
        "Dongfeng is a well-known Taobao village; our workshop has made solid-wood furniture for 15 years.",
        "products": [
            (
                "实木小板凳 Solid Wood Stool",
                "chairs",
                "Wood stool",
                "榆木整料，榫卯结构，不用一颗钉子。",
                [("矮款 30 cm", "89.00", 50), ("高款 45 cm", "109.00", 35)],
                (160, 120, 80),
            ),
            (
                "原木餐桌 Oak Dining Table",
                "tables",
                "Dining table",
                "白橡木，桌面 4 cm 厚，包物流上门。",
                [("1.2 m", "1299.00", 8), ("1.4 m", "1499.00", 5)],
                (180, 140, 95),
            ),
            (
                "实木书架 Bookshelf",
                "cabinets",
                "Bookshelf",
                "五层书架，承重好，安装简单。",
                [("五层", "459.00", 12)],
                (120, 85, 55),
            ),
        ],
    },
    {
        "owner": "fashion",
        "name": "小鹿原创女装",
        "province": "浙江",
        "city": "杭州",
        "village": "",
        "contact": "",
        "colour": (220, 110, 150),
        "description": "原创设计，小批量生产。Original designs, made in small batches.",
        "products": [
            (
                "碎花连衣裙 Floral Summer Dress",
                "womens",
                "Floral dress",
                "雪纺面料，清新碎花。",
                [("S", "159.00", 20), ("M", "159.00", 25), ("L", "159.00", 15)],
                (240, 150, 180),
            ),
            (
                "改良汉服上衣 Modern Hanfu Top",
                "hanfu",
                "Hanfu top",
                "日常可穿的改良汉服。",
                [("M", "229.00", 10), ("L", "229.00", 8)],
                (200, 90, 120),
            ),
        ],
    },
    {
        "owner": "beauty",
        "name": "小美美妆",
        "province": "广东",
        "city": "广州",
        "village": "",
        "contact": "",
        "colour": (200, 40, 80),
        "description": "口红测评博主自己的店：每一支都亲自试色。A lipstick reviewer's own shop.",
        "products": [
            (
                "丝绒哑光口红 Velvet Matte Lipstick",
                "lipstick",
                "Lipstick",
                "哑光不拔干，三个色号。",
                [("#01 正红", "89.00", 60), ("#02 豆沙", "89.00", 60), ("#03 枫叶", "89.00", 40)],
                (190, 30, 60),
            ),
            (
                "玫瑰保湿面霜 Rose Moisturiser",
                "skincare",
                "Moisturiser",
                "保加利亚玫瑰精油，温和保湿。",
                [("50 ml", "129.00", 45)],
                (230, 120, 140),
            ),
        ],
    },
]


def _font(size: int, cjk: bool):
    if cjk:
        for path in CJK_FONTS:
            if Path(path).exists():
                return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def draw_photo(
    *, title: str, subtitle: str, colour: tuple[int, int, int], variant: int = 0, size: int = 800
) -> SimpleUploadedFile:
    """A product photo drawn in Pillow: a warm gradient, a shape, and the product's name."""
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    r, g, b = colour
    for y in range(size):
        t = y / size
        draw.line(
            [(0, y), (size, y)],
            fill=(
                int(r + (255 - r) * (0.55 - t * 0.4)),
                int(g + (255 - g) * (0.55 - t * 0.4)),
                int(b + (255 - b) * (0.55 - t * 0.4)),
            ),
        )
    rng = random.Random(f"{title}{variant}")
    for _ in range(6):
        x, y, radius = rng.randint(0, size), rng.randint(0, size), rng.randint(40, 160)
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius],
            fill=(min(255, r + 40), min(255, g + 40), min(255, b + 40)),
        )
    # The "product": a rounded body with a lid, like a jar, a box or a garment on a card.
    margin = size // 4 + variant * 12
    draw.rounded_rectangle(
        [margin, size // 3, size - margin, size - size // 6],
        radius=40,
        fill=(255, 250, 240),
        outline=(max(0, r - 60), max(0, g - 60), max(0, b - 60)),
        width=8,
    )
    draw.rounded_rectangle(
        [margin + 30, size // 3 - 50, size - margin - 30, size // 3 + 10],
        radius=18,
        fill=(max(0, r - 30), max(0, g - 30), max(0, b - 30)),
    )
    chinese = title.split(" ")[0]
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    name_font = _font(54 if has_cjk else 44, has_cjk)
    text = chinese if has_cjk and any(Path(p).exists() for p in CJK_FONTS) else subtitle
    box = draw.textbbox((0, 0), text, font=name_font)
    draw.text(((size - (box[2] - box[0])) / 2, size // 2), text, font=name_font, fill=(60, 40, 30))
    sub_font = _font(34, False)
    box = draw.textbbox((0, 0), subtitle, font=sub_font)
    draw.text(((size - (box[2] - box[0])) / 2, size // 2 + 90), subtitle, font=sub_font, fill=(110, 80, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(f"{subtitle}.jpg", out.getvalue(), content_type="image/jpeg")


def draw_logo(*, name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (320, 320), colour)
    draw = ImageDraw.Draw(image)
    has_cjk = any(Path(p).exists() for p in CJK_FONTS)
    font = _font(170, has_cjk)
    text = name[0] if has_cjk else "S"
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(
        ((320 - (box[2] - box[0])) / 2 - box[0], (320 - (box[3] - box[1])) / 2 - box[1]),
        text,
        font=font,
        fill=(255, 255, 255),
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def draw_banner(*, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (1600, 500))
    draw = ImageDraw.Draw(image)
    r, g, b = colour
    for x in range(1600):
        t = x / 1600
        draw.line(
            [(x, 0), (x, 500)],
            fill=(int(r + (255 - r) * t * 0.6), int(g + (255 - g) * t * 0.5), int(b + (255 - b) * t * 0.3)),
        )
    for i in range(5):  # rolling hills
        draw.ellipse([i * 380 - 200, 330 - (i % 2) * 40, i * 380 + 400, 900], fill=(90 + i * 10, 150, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile("banner.jpg", out.getvalue(), content_type="image/jpeg")


def demo_shops_ensure() -> None:
    categories = {c.slug: c for c in Category.objects.all()}
    for spec in tqdm(SHOPS, desc="demo shops", unit="shop", leave=False):
        owner = User.objects.get(username=spec["owner"])
        shop = Shop.objects.filter(owner=owner).first()
        if shop is None:
            shop = shop_create(
                owner=owner,
                name=spec["name"],
                description=spec["description"],
                province=spec["province"],
                city=spec["city"],
                village=spec["village"],
                contact=spec["contact"],
                logo=draw_logo(name=spec["name"], colour=spec["colour"]),
                banner=draw_banner(colour=spec["colour"]),
            )
        if shop.status != Shop.Status.APPROVED:
            shop_approve(shop_id=shop.id, reason="Demo shop")
        shop.refresh_from_db()
        for title, category_slug, english, description, skus, colour in spec["products"]:
            if Product.objects.filter(shop=shop, title=title).exists():
                continue
            photos = [draw_photo(title=title, subtitle=english, colour=colour, variant=v) for v in range(3)]
            with transaction.atomic():
                product_create(
                    shop=shop,
                    title=title,
                    description=description,
                    category=categories[category_slug],
                    skus=[{"name": n, "price": p, "stock": s} for n, p, s in skus],
                    status=Product.Status.ACTIVE,
                    photos=photos,
                )


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
