"""Reviews in a real browser: the buyer writes one (stars, text, a photo) from the order page, then the
product page shows the average, the histogram, photos first and the farmer's reply, and the shop page
shows its three scores against its peers."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import browser_login, screenshot
from orders.models import Review
from orders.services.reviews.writing import review_create, review_reply
from orders.tests.reviews.helpers import completed
from tests.factories import PASSWORD, ShopFactory, UserFactory, sku_in_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg(color: str) -> bytes:
    out = BytesIO()
    Image.new("RGB", (480, 360), color).save(out, "JPEG")
    return out.getvalue()


def test_buyer_reviews_and_pages_show_scores(asgi_server, new_page, tmp_path):
    base = asgi_server.url
    farm = ShopFactory(name="湖南老农家", slug="laonongjia")
    peer = ShopFactory(name="湘西腊味坊", slug="xiangxi-lawei")
    sausage = sku_in_shop(farm, price="68.00")
    # earlier buyers: one with a photo, one answered by the farmer; a peer shop scored lower
    first = UserFactory(username="lihua")
    order = completed(first, sausage)
    review_create(
        order_id=order.pk,
        buyer=first,
        line_id=order.lines.get().pk,
        rating=5,
        as_described=5,
        communication=5,
        shipping=4,
        text="腊肠很香，肥瘦刚好。",
        photos=[SimpleUploadedFile("a.jpg", jpeg("#b5452f"), "image/jpeg")],
    )
    second = UserFactory(username="zhangwei")
    order = completed(second, sausage)
    spicy = review_create(
        order_id=order.pk,
        buyer=second,
        line_id=order.lines.get().pk,
        rating=3,
        as_described=4,
        communication=5,
        shipping=3,
        text="太辣了，小孩吃不了。",
    )
    review_reply(review_id=spicy.pk, actor=farm.owner, text="谢谢！下次奶奶少放点辣椒。")
    peer_buyer = UserFactory()
    peer_order = completed(peer_buyer, sku_in_shop(peer))
    review_create(
        order_id=peer_order.pk,
        buyer=peer_buyer,
        line_id=peer_order.lines.get().pk,
        rating=3,
        as_described=3,
        communication=3,
        shipping=3,
    )

    # the buyer writes a review from the completed order's page
    buyer = UserFactory(username="xiaoming")
    mine = completed(buyer, sausage)
    photo = tmp_path / "meal.jpg"
    photo.write_bytes(jpeg("#e9c46a"))
    page = new_page(language="en")
    browser_login(page, base, buyer.username, PASSWORD)
    page.goto(f"{base}/orders/{mine.number}/")
    with page.expect_navigation():
        page.click("[data-testid=write-review]")
    for field, stars in (("rating", 4), ("as_described", 5), ("communication", 5), ("shipping", 4)):
        page.click(f"label[for={field}-{stars}]")
    page.fill("textarea[name=text]", "<script>alert(1)</script> 香！")
    page.set_input_files("input[name=photos]", str(photo))
    screenshot(page, "reviews-write")
    with page.expect_navigation():
        page.click("[data-testid=submit-review]")
    assert page.locator("[data-testid=order-reviews] [data-testid=review]").count() == 1
    assert "<script>alert(1)</script> 香！" in page.locator("[data-testid=order-reviews] .review-text").inner_text()
    review = Review.objects.get(buyer=buyer)
    assert (review.rating, review.as_described, review.shipping, review.has_photos) == (4, 5, 4, True)

    # the product page: average of 5, 3 and 4, the histogram, photos first, the reply under its review
    page.goto(f"{base}/product/{sausage.product_id}/#reviews")
    assert page.locator("[data-testid=review-average] .big").inner_text() == "4.0"
    assert "3" in page.locator("[data-testid=review-count]").inner_text()
    ratings = [
        int(r)
        for r in page.locator("#reviews [data-testid=review]").evaluate_all("els => els.map(e => e.dataset.rating)")
    ]
    assert ratings == [4, 5, 3]  # the two with photos (newest first), then the one without
    assert "奶奶少放点辣椒" in page.locator("[data-testid=review-reply]").inner_text()
    page.locator("#reviews").scroll_into_view_if_needed()
    screenshot(page, "reviews-product-page")
    page.click("[data-testid=reviews-with-photos]")
    page.wait_for_url("**reviews=photos**")
    assert page.locator("#reviews [data-testid=review]").count() == 2

    # the shop page: the three scores, higher than the peer shop's
    page.goto(f"{base}/shop/{farm.slug}/")
    described = page.locator("[data-testid=shop-score-as_described]")
    assert "4.7" in described.inner_text() and "higher than peers" in described.inner_text()
    assert "3.7" in page.locator("[data-testid=shop-score-shipping]").inner_text()
    screenshot(page, "reviews-shop-page")
    desktop = new_page(language="zh-CN", mobile=False)
    desktop.goto(f"{base}/product/{sausage.product_id}/")
    screenshot(desktop, "reviews-product-page-desktop")
