"""The demo world looks like a shop people trust: pictures that tell products and shops apart, and home
page sections that show different products (issue 18, item 11)."""

import io
import itertools
import re
from collections import Counter

import pytest
from django.db.models import Sum
from PIL import Image

from catalog.models import Product
from marketplace import demo
from marketplace.demo_catalog import SHOPS, demo_shops_ensure
from marketplace.demo_pictures import SUBJECTS, canvas, product_pictures, shop_logo
from orders.models import Order, OrderEvent, OrderLine
from shops.models import Shop

pytestmark = pytest.mark.django_db


def picture_hash(path_or_file, size: int = 16) -> int:
    """A difference hash: which of each pair of neighbouring pixels is brighter, on a 16 × 16 grey
    thumbnail. Two pictures of the same drawing with other text or colours hash alike; other drawings don't."""
    grey = Image.open(path_or_file).convert("L").resize((size + 1, size), Image.Resampling.LANCZOS)
    pixels, width = grey.tobytes(), size + 1
    bits = (pixels[row * width + col] < pixels[row * width + col + 1] for row in range(size) for col in range(size))
    return sum(1 << i for i, brighter in enumerate(bits) if brighter)


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def test_every_products_cover_is_its_own_drawing_and_every_shop_its_own_logo():
    demo.demo_users_ensure()
    demo_shops_ensure()

    products = list(Product.objects.prefetch_related("images").order_by("id"))
    assert len(products) == sum(len(shop.products) for shop in SHOPS)
    covers = {}
    for product in products:
        images = list(product.images.all())
        assert len(images) >= 3, product.title
        hashes = [picture_hash(image.image.path) for image in images]
        covers[product.title] = hashes[0]
        # the gallery's thumbnails show other pictures, not the cover again with another margin
        for a, b in itertools.combinations(hashes, 2):
            assert distance(a, b) > 64, product.title
    # a radish jar, a stool, a dress: no two products share the drawing (the jar of before was everyone's)
    for (title_a, a), (title_b, b) in itertools.combinations(covers.items(), 2):
        assert distance(a, b) > 48, (title_a, title_b)

    # each shop's logo is its own character on its own colour, and its banner its own
    shops = list(Shop.objects.order_by("id"))
    assert len(shops) == len(SHOPS)
    logos = {shop.name: (picture_hash(shop.logo.path), Image.open(shop.logo.path).convert("RGB")) for shop in shops}
    for (name_a, (hash_a, a)), (name_b, (hash_b, b)) in itertools.combinations(logos.items(), 2):
        # another character (小鹿… and 小美… don't both show 小), and another colour
        assert distance(hash_a, hash_b) > 24, (name_a, name_b)
        assert a.getpixel((8, 8)) != b.getpixel((8, 8)), (name_a, name_b)
    banners = [picture_hash(shop.banner.path) for shop in shops]
    assert len(set(banners)) == len(banners)


def test_a_logo_is_stable_for_a_slug_and_readable_without_a_chinese_font(monkeypatch):
    first = shop_logo(name="湖南老农家", slug="hu-nan-lao-nong-jia")
    assert shop_logo(name="湖南老农家", slug="hu-nan-lao-nong-jia") == first
    monkeypatch.setattr(canvas, "cjk_font_path", lambda: None)
    monkeypatch.setattr("marketplace.demo_pictures.cjk_font_path", lambda: None)
    a = shop_logo(name="小鹿原创女装", slug="xiao-lu-yuan-chuang-nv-zhuang")
    b = shop_logo(name="小美美妆", slug="xiao-mei-mei-zhuang")
    assert a != b and a != first
    # the covers still carry the English name
    assert product_pictures(subject="pickle-jar", name_zh="湖南农家腌萝卜", name_en="Pickled radish", count=1)


def test_every_demo_subject_is_drawn():
    hashes = {}
    for subject in SUBJECTS:
        (cover,) = product_pictures(subject=subject, name_zh="样品", name_en="Sample", count=1)
        hashes[subject] = picture_hash(io.BytesIO(cover))
    for (a_name, a), (b_name, b) in itertools.combinations(hashes.items(), 2):
        assert distance(a, b) > 40, (a_name, b_name)


def _section(page: str, testid: str) -> list[int]:
    match = re.search(rf'data-testid="{testid}"(.*?)</section>', page, re.S)
    assert match, testid
    return [int(pk) for pk in re.findall(r'href="/product/(\d+)/"', match.group(1))]


def test_best_sellers_and_new_arrivals_show_different_products_sold_in_real_orders(client):
    # given: the whole demo, as `make run` seeds it
    for _label, step in demo.seed_steps():
        step()

    # when
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    # then: the first row of each differs entirely, and most of the best sellers are not new
    page = response.content.decode()
    best, new = _section(page, "best-sellers"), _section(page, "new-arrivals")
    assert len(best) == len(new) == 10
    assert not set(best[:5]) & set(new[:5])
    assert len(set(best) & set(new)) <= 5
    sales = dict(Product.objects.values_list("id", "sales_count"))
    assert [sales[pk] for pk in best] == sorted((sales[pk] for pk in best), reverse=True)
    assert sales[best[0]] > sales[best[-1]] > 0

    # and "sold" is what was paid for in the products' orders, each placed after its product was listed
    counts = Counter(dict.fromkeys(sales, 0))
    paid = OrderLine.objects.filter(order__status__in=[Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED])
    for row in paid.values("product_id").annotate(n=Sum("quantity")):
        counts[row["product_id"]] += row["n"]
    assert sales == dict(counts)
    for line in OrderLine.objects.select_related("order", "product"):
        assert line.order.created_at > line.product.created_at, line.product.title
    # and every order's timeline reads in the order things happened: placed, paid, shipped, received
    steps = [OrderEvent.Type.PLACED, OrderEvent.Type.PAID, OrderEvent.Type.SHIPPED, OrderEvent.Type.RECEIPT_CONFIRMED]
    for order in Order.objects.prefetch_related("events"):
        at = {event.type: event.at for event in order.events.all() if event.type in steps}
        happened = [at[step] for step in steps if step in at]
        assert happened == sorted(happened), (order.number, at)

    # and seeding again (`make run` does it at every start) adds nothing
    orders = Order.objects.count()
    for _label, step in demo.seed_steps():
        step()
    assert Order.objects.count() == orders
    assert dict(Product.objects.values_list("id", "sales_count")) == sales
