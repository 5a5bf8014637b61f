"""Demo orders, made through the real services: the demo buyer's, in several states, and past buyers'
completed orders over the last months, which give the demo products their sales counts (a product's
"sold" is the quantity paid for in its orders, so it is seeded with orders, never written). Idempotent:
a buyer who has orders is left alone, and nothing happens before the demo products exist."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Sku
from orders.models import Order, OrderEvent, OrderLine, Review
from orders.services.checkout import checkout_place
from orders.services.lifecycle import order_confirm_receipt, order_ship
from orders.services.reviews.writing import review_create, review_reply
from payments.models import Payment
from payments.services import payment_sandbox_approve
from shops.models import Shop

ADDRESS = {
    "name": "王小明",
    "phone": "138 0000 0000",
    "province": "湖北",
    "city": "武汉",
    "line": "洪山区珞喻路 100 号 3 栋 502",
}


def _sku_of(owner: str) -> Sku | None:
    return (
        Sku.objects.filter(
            product__shop__owner__username=owner,
            product__shop__status=Shop.Status.APPROVED,
            product__visible=True,
            is_active=True,
            stock__gte=3,
        )
        .select_related("product__shop")
        .order_by("product_id", "id")
        .first()
    )


def _place(buyer, sku: Sku, quantity: int) -> Order:
    result = checkout_place(buyer=buyer, address=ADDRESS, items=[{"sku": sku.pk, "quantity": quantity}])
    return result.orders[0]


def demo_orders_ensure() -> list[int]:
    """Returns the ids of the past buyers' orders it placed (none on a second run)."""
    _demo_orders()
    placed = demo_sales_history_ensure()
    demo_reviews_ensure()
    return placed


def _demo_orders() -> None:
    buyer = get_user_model().objects.filter(username="buyer").first()
    if buyer is None or Order.objects.filter(buyer=buyer).exists():
        return
    farm, workshop = _sku_of("farmer"), _sku_of("carpenter")
    if farm is None or workshop is None:
        return
    workshop_owner = workshop.product.shop.owner
    # Placed, paid, shipped and received a week ago (its timeline in that order).
    _past_checkout(buyer, [(farm, 2)], days_ago=7, address=ADDRESS)
    # On its way from the workshop.
    shipped = _place(buyer, workshop, 1)
    payment_sandbox_approve(payment=Payment.objects.get(pk=shipped.payment_id))
    order_ship(order_id=shipped.pk, actor=workshop_owner, carrier="中通快递 ZTO", tracking_number="ZTO7731650029")
    # Paid, waiting for the farm to ship.
    paid = _place(buyer, farm, 1)
    payment_sandbox_approve(payment=Payment.objects.get(pk=paid.payment_id))
    # Placed but not paid yet.
    _place(buyer, workshop, 1)


# Other buyers of the farm shop: (username, product title starts with, stars, text, shop scores, reply).
FARM_REVIEWS = [
    (
        "lihua",
        "农家烟熏腊肠",
        5,
        "腊肠很香，肥瘦刚好，蒸饭的时候整个厨房都是香味。包装很严实，冰袋还没化。",
        (5, 5, 5),
        "谢谢您！腊肠是今年冬天新灌的，吃完再来。",
    ),
    ("zhangwei", "湖南农家腌萝卜", 5, "第二次买了，萝卜脆，酸辣刚好，配粥一绝。", (5, 5, 4), ""),
    (
        "chenjing",
        "湘西腊肉",
        3,
        "味道不错，就是物流有点慢，路上走了五天。",
        (4, 4, 2),
        "抱歉让您久等了，我们换了顺丰，下次会快一些。",
    ),
]
SPICY_MEAT = "湘西腊肉"


def _farm_sku(title_prefix: str) -> Sku | None:
    return (
        Sku.objects.filter(
            product__shop__owner__username="farmer",
            product__title__startswith=title_prefix,
            product__visible=True,
            is_active=True,
            stock__gte=3,
        )
        .select_related("product__shop")
        .order_by("id")
        .first()
    ) or _sku_of("farmer")


def _completed(buyer, sku: Sku, *, quantity: int = 1) -> Order:
    """Placed four days ago, then paid, shipped and received, in that order."""
    (order,) = _past_checkout(buyer, [(sku, quantity)], days_ago=4, address=ADDRESS)
    return order


def _review_once(
    buyer, sku: Sku, *, rating: int, text: str, scores: tuple[int, int, int], reply: str, now=None
) -> None:
    """Reviews a completed order of this product (placing one if needed) unless the buyer already did."""
    if Review.objects.filter(buyer=buyer, product=sku.product).exists():
        return
    order = (
        Order.objects.filter(buyer=buyer, status=Order.Status.COMPLETED, lines__product=sku.product)
        .order_by("created_at")
        .first()
    ) or _completed(buyer, sku)
    line = order.lines.filter(product=sku.product).order_by("id").first()
    described, communication, shipping = scores
    review = review_create(
        order_id=order.pk,
        buyer=buyer,
        line_id=line.pk,
        rating=rating,
        text=text,
        as_described=described,
        communication=communication,
        shipping=shipping,
        now=now,
    )
    if reply:
        replied = now + timedelta(hours=5) if now else None
        review_reply(review_id=review.pk, actor=sku.product.shop.owner, text=reply, now=replied)


def demo_reviews_ensure() -> None:
    """The demo buyer's reviews of the farm (the bacon was too spicy; grandma answers) and a few more
    buyers'. Idempotent: a buyer who reviewed a product is left alone."""
    users = get_user_model().objects
    buyer = users.filter(username="buyer").first()
    if buyer is None or _sku_of("farmer") is None:
        return
    _review_once(
        buyer,
        _farm_sku("湖南农家腌萝卜"),
        rating=5,
        text="萝卜很脆，酸辣刚好，和小时候外婆做的一个味道。",
        scores=(5, 5, 5),
        reply="",
    )
    _review_once(
        buyer,
        _farm_sku(SPICY_MEAT),
        rating=4,
        text="肉很香，是真正的柴火烟熏味，但是太辣了！我们家小孩吃不了，大人配饭刚好。",
        scores=(4, 5, 5),
        reply="谢谢您的反馈！奶奶说下次给您做的时候少放点辣椒，下单时备注“少辣”就行。",
    )
    for username, title, rating, text, scores, reply in FARM_REVIEWS:
        reviewer, created = users.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
        if created:
            reviewer.set_unusable_password()
            reviewer.save(update_fields=["password"])
        _review_once(reviewer, _farm_sku(title), rating=rating, text=text, scores=scores, reply=reply)
    past = []
    for username, title, rating, text, scores, reply in PAST_REVIEWS:
        order = (
            Order.objects.filter(
                buyer__username=username, status=Order.Status.COMPLETED, lines__product__title__startswith=title
            )
            .select_related("buyer")
            .order_by("created_at")
            .first()
        )
        if order is not None:  # the past buyer's order of it (demo_sales_history_ensure)
            sku = order.lines.filter(product__title__startswith=title).select_related("sku__product__shop").first().sku
            past.append((order, sku, {"rating": rating, "text": text, "scores": scores, "reply": reply}))
    # Written the day after receipt, oldest first (a shop's scores are the last 180 days' as of the newest).
    for order, sku, review in sorted(past, key=lambda item: item[0].completed_at):
        _review_once(order.buyer, sku, **review, now=min(order.completed_at + timedelta(days=1), timezone.now()))


# What some past buyers said (username, product title starts with, stars, text, shop scores, the seller's reply).
PAST_REVIEWS = [
    (
        "sunli",
        "实木小板凳",
        5,
        "榫卯做得很扎实，坐上去一点都不晃，木蜡油没有味道。",
        (5, 5, 4),
        "谢谢！板凳用久了颜色会更温润。",
    ),
    ("zhengyu", "丝绒哑光口红", 5, "正红色很正，薄涂厚涂都好看，一整天不拔干。", (5, 5, 5), ""),
    (
        "liuyang",
        "丝绒哑光口红",
        4,
        "豆沙色很温柔，就是外盒有一点磕碰。",
        (4, 5, 4),
        "抱歉！以后我们多包一层气泡膜。",
    ),
    ("zhaolei", "景迈山普洱熟茶饼", 5, "汤色红浓，有淡淡的陈香，泡七八泡还有味道。", (5, 4, 5), ""),
    ("wuxia", "碎花连衣裙", 5, "面料比想象中好，S 码刚好，花色很显白。", (5, 5, 5), "谢谢喜欢，夏天穿很凉快～"),
    (
        "wuxia",
        "实木书架",
        4,
        "书架很结实，自己装了半小时，说明书可以再清楚一点。",
        (4, 4, 5),
        "收到！以后随箱附上安装视频的二维码。",
    ),
    ("hemin", "野生土蜂蜜", 5, "结晶很细，甜而不腻，早上泡一杯很舒服。", (5, 5, 5), ""),
]

# Past buyers' completed orders: (username, days ago, [(product title starts with, SKU name, quantity)]).
# One checkout each (one order per shop). Every product is bought after the day it was listed
# (marketplace.demo_catalog), and best sellers are not the newest products.
PAST_SALES = [
    ("sunli", 170, [("实木小板凳", "矮款 30 cm", 4), ("原木餐桌", "1.2 m", 1)]),
    (
        "wangfang",
        115,
        [("湖南农家腌萝卜", "500 g 罐装", 4), ("农家烟熏腊肠", "500 g", 3), ("手工五香豆腐干", "250 g", 2)],
    ),
    ("zhoujie", 100, [("实木小板凳", "高款 45 cm", 3), ("原木餐桌", "1.4 m", 1)]),
    (
        "liuyang",
        62,
        [
            ("湖南农家腌萝卜", "1 kg 罐装", 5),
            ("农家烟熏腊肠", "1 kg 礼盒", 2),
            ("手工五香豆腐干", "250 g", 3),
            ("湘西腊肉", "1 kg", 2),
            ("丝绒哑光口红", "#01 正红", 3),
            ("丝绒哑光口红", "#02 豆沙", 2),
        ],
    ),
    ("zhengyu", 45, [("丝绒哑光口红", "#01 正红", 2), ("丝绒哑光口红", "#02 豆沙", 3), ("玫瑰保湿面霜", "50 ml", 1)]),
    ("wuxia", 25, [("实木书架", "五层", 1), ("碎花连衣裙", "S", 1), ("碎花连衣裙", "M", 1)]),
    (
        "zhaolei",
        21,
        [
            ("湖南农家腌萝卜", "500 g 罐装", 3),
            ("农家烟熏腊肠", "500 g", 4),
            ("手工五香豆腐干", "250 g", 2),
            ("湘西腊肉", "1 kg", 1),
            ("景迈山普洱熟茶饼", "357 g 一饼", 3),
        ],
    ),
    (
        "qianyu",
        7,
        [
            ("碎花连衣裙", "L", 2),
            ("改良汉服上衣", "M", 1),
            ("丝绒哑光口红", "#03 枫叶", 2),
            ("玫瑰保湿面霜", "50 ml", 3),
        ],
    ),
    ("hemin", 4, [("景迈山普洱熟茶饼", "357 g 一饼", 1), ("野生土蜂蜜", "500 g", 1)]),
]
PAST_ADDRESSES = [
    {"name": "孙丽", "phone": "139 0000 0001", "province": "北京", "city": "北京", "line": "朝阳区望京街 8 号"},
    {"name": "刘洋", "phone": "139 0000 0002", "province": "广东", "city": "深圳", "line": "南山区科技园 2 栋"},
    {"name": "赵磊", "phone": "139 0000 0003", "province": "四川", "city": "成都", "line": "武侯区玉林路 12 号"},
]


def _past_buyer(username: str):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _sku_named(title_prefix: str, name: str) -> Sku | None:
    return (
        Sku.objects.filter(product__title__startswith=title_prefix, product__visible=True, name=name, is_active=True)
        .select_related("product__shop__owner")
        .order_by("id")
        .first()
    )


def _past_checkout(buyer, wanted: list[tuple[Sku, int]], *, days_ago: int, address: dict) -> list[Order]:
    """Placed, paid, shipped and received `days_ago` days ago, through the services; the timestamps the
    services stamp with the real clock (payment, paid event) are moved back to that day."""
    placed = timezone.now() - timedelta(days=days_ago, hours=(days_ago * 5) % 9, minutes=(days_ago * 13) % 60)
    result = checkout_place(
        buyer=buyer, address=address, items=[{"sku": sku.pk, "quantity": n} for sku, n in wanted], now=placed
    )
    orders = list(result.orders)
    # The payment was made on that day: no deadline has passed for it.
    Payment.objects.filter(pk=orders[0].payment_id).update(expires_at=None)
    payment_sandbox_approve(payment=Payment.objects.get(pk=orders[0].payment_id))
    ids = [o.pk for o in orders]
    paid = placed + timedelta(minutes=4)
    Order.objects.filter(pk__in=ids).update(created_at=placed, paid_at=paid)
    OrderLine.objects.filter(order_id__in=ids).update(created_at=placed)
    OrderEvent.objects.filter(order_id__in=ids, type=OrderEvent.Type.PAID).update(at=paid)
    owners = {sku.product.shop_id: sku.product.shop.owner for sku, _ in wanted}
    for order in orders:
        order_ship(
            order_id=order.pk,
            actor=owners[order.shop_id],
            carrier="顺丰速运 SF Express",
            tracking_number=f"SF{order.number[-10:]}",
            now=placed + timedelta(hours=20),
        )
        order_confirm_receipt(order_id=order.pk, actor=buyer, now=placed + timedelta(days=3, hours=2))
    return orders


def demo_sales_history_ensure() -> list[int]:
    """The past buyers' orders (see PAST_SALES); returns the ids of those placed now."""
    placed: list[int] = []
    done = set(
        Order.objects.filter(buyer__username__in=[u for u, _, _ in PAST_SALES]).values_list(
            "buyer__username", flat=True
        )
    )
    for number, (username, days_ago, lines) in enumerate(PAST_SALES):
        if username in done:
            continue
        wanted = [(_sku_named(title, name), quantity) for title, name, quantity in lines]
        if any(sku is None or sku.stock < quantity for sku, quantity in wanted):
            continue  # the demo catalogue is not there (or was changed): no history for it
        buyer = _past_buyer(username)
        address = PAST_ADDRESSES[number % len(PAST_ADDRESSES)]
        placed += [o.pk for o in _past_checkout(buyer, wanted, days_ago=days_ago, address=address)]
    return placed
