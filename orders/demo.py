"""Demo orders for the demo buyer, in several states, made through the real services. Idempotent:
nothing happens if the buyer already has orders, or if there are no demo products yet."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Sku
from orders.models import Order, Review
from orders.services.checkout import checkout_place
from orders.services.lifecycle import order_confirm_receipt, order_ship
from orders.services.reviews import review_create, review_reply
from payments.models import Payment
from payments.services import payment_sandbox_approve
from shops.models import Shop

ADDRESS = {"name": "王小明", "phone": "138 0000 0000", "province": "湖北", "city": "武汉",
           "line": "洪山区珞喻路 100 号 3 栋 502"}


def _sku_of(owner: str) -> Sku | None:
    return (Sku.objects.filter(product__shop__owner__username=owner, product__shop__status=Shop.Status.APPROVED,
                               product__visible=True, is_active=True, stock__gte=3)
            .select_related("product__shop").order_by("product_id", "id").first())


def _place(buyer, sku: Sku, quantity: int) -> Order:
    outcome = checkout_place(buyer=buyer, address=ADDRESS, items=[{"sku": sku.pk, "quantity": quantity}])
    return outcome.result.orders[0]


def demo_orders_ensure() -> None:
    _demo_orders()
    demo_reviews_ensure()


def _demo_orders() -> None:
    buyer = get_user_model().objects.filter(username="buyer").first()
    if buyer is None or Order.objects.filter(buyer=buyer).exists():
        return
    farm, workshop = _sku_of("farmer"), _sku_of("carpenter")
    if farm is None or workshop is None:
        return
    farm_owner, workshop_owner = farm.product.shop.owner, workshop.product.shop.owner
    # Completed a week ago: paid, shipped, received.
    earlier = timezone.now() - timedelta(days=7)
    done = _place(buyer, farm, 2)
    payment_sandbox_approve(payment=Payment.objects.get(pk=done.payment_id))
    order_ship(order_id=done.pk, actor=farm_owner, carrier="顺丰速运 SF Express", tracking_number="SF1400023567",
               now=earlier)
    order_confirm_receipt(order_id=done.pk, actor=buyer)
    # On its way from the workshop.
    shipped = _place(buyer, workshop, 1)
    payment_sandbox_approve(payment=Payment.objects.get(pk=shipped.payment_id))
    order_ship(order_id=shipped.pk, actor=workshop_owner, carrier="中通快递 ZTO", tracking_number="ZTO7731650029")
    # Paid, waiting for the farm to ship.
    paid = _place(buyer, farm, 1)
    payment_sandbox_approve(payment=Payment.objects.get(pk=paid.payment_id))
    # Placed but not paid yet.
    _place(buyer, workshop, 1)


# Other buyers of the farm shop, with what they said (stars, text, the three shop scores) and the reply.
FARM_REVIEWS = [
    ("lihua", 5, "腊肠很香，肥瘦刚好，蒸饭的时候整个厨房都是香味。包装很严实，冰袋还没化。", (5, 5, 5),
     "谢谢您！腊肠是今年冬天新灌的，吃完再来。"),
    ("zhangwei", 5, "第二次买了，萝卜脆，酸辣刚好，配粥一绝。", (5, 5, 4), ""),
    ("chenjing", 3, "味道不错，就是物流有点慢，路上走了五天。", (4, 4, 2),
     "抱歉让您久等了，我们换了顺丰，下次会快一些。"),
]


def _completed(buyer, sku: Sku, *, quantity: int = 1) -> Order:
    order = _place(buyer, sku, quantity)
    payment_sandbox_approve(payment=Payment.objects.get(pk=order.payment_id))
    order_ship(order_id=order.pk, actor=sku.product.shop.owner, carrier="顺丰速运 SF Express",
               tracking_number=f"SF{order.number[-10:]}", now=timezone.now() - timedelta(days=4))
    return order_confirm_receipt(order_id=order.pk, actor=buyer)


def demo_reviews_ensure() -> None:
    """The demo buyer's review of the farm's meat (too spicy) with grandma's answer, and a few more.
    Idempotent: a line that has a review is left alone."""
    buyer = get_user_model().objects.filter(username="buyer").first()
    farm = _sku_of("farmer")
    if buyer is None or farm is None:
        return
    owner = farm.product.shop.owner
    done = (Order.objects.filter(buyer=buyer, shop=farm.product.shop, status=Order.Status.COMPLETED)
            .order_by("created_at").first())
    if done is not None and not Review.objects.filter(order=done).exists():
        review = review_create(
            order_id=done.pk, buyer=buyer, line_id=done.lines.order_by("id").first().pk, rating=4,
            text="肉很香，是真正的农家味道，但是太辣了！我们家小孩吃不了，大人配饭刚好。", as_described=4,
            communication=5, shipping=5)
        review_reply(review_id=review.pk, actor=owner,
                     text="谢谢您的反馈！奶奶说下次给您做的时候少放点辣椒，备注“少辣”就行。")
    users = get_user_model().objects
    for username, rating, text, (described, communication, shipping), reply in FARM_REVIEWS:
        reviewer, created = users.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        if created:
            reviewer.set_unusable_password()
            reviewer.save(update_fields=["password"])
        if Review.objects.filter(buyer=reviewer).exists() or Order.objects.filter(buyer=reviewer).exists():
            continue
        order = _completed(reviewer, farm)
        review = review_create(order_id=order.pk, buyer=reviewer, line_id=order.lines.order_by("id").first().pk,
                               rating=rating, text=text, as_described=described, communication=communication,
                               shipping=shipping)
        if reply:
            review_reply(review_id=review.pk, actor=owner, text=reply)
