"""Reads for orders and the cart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from catalog.models import Category, Product, ProductImage, Sku
from orders.models import CartItem, Order, OrderEvent, OrderLine, RefundRequest, Review, ReviewPhoto
from shops.models import Shop


def cart_item_count(*, user) -> int:
    """The header badge: how many items (2 jars of radish and a stool are 3), in one cheap query."""
    if not user.is_authenticated:
        return 0
    return CartItem.objects.filter(cart__user=user).aggregate(n=Coalesce(Sum("quantity"), 0))["n"]


@dataclass
class CartLine:
    item_id: int | None
    sku: Sku
    quantity: int

    @property
    def price(self) -> Decimal:
        return self.sku.price

    @property
    def subtotal(self) -> Decimal:
        return self.sku.price * self.quantity

    @property
    def available(self) -> bool:
        return self.sku.is_active and self.sku.product.visible and self.sku.stock >= self.quantity

    @property
    def thumbnail_url(self) -> str:
        images = getattr(self.sku.product, "first_images", None)
        if images:
            image = images[0]
            return (image.thumbnail or image.image).url
        return ""


@dataclass
class CartShopGroup:
    shop: Shop
    lines: list[CartLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.subtotal for line in self.lines if line.available), Decimal("0.00"))


@dataclass
class CartView:
    groups: list[CartShopGroup]

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def total(self) -> Decimal:
        return sum((group.total for group in self.groups), Decimal("0.00"))

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(not line.available for line in self.lines)


def _skus() -> QuerySet[Sku]:
    return Sku.objects.select_related("product__shop").prefetch_related(
        Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="first_images")
    )


def _group(lines: list[CartLine]) -> CartView:
    groups: dict[int, CartShopGroup] = {}
    for line in lines:
        shop = line.sku.product.shop
        groups.setdefault(shop.pk, CartShopGroup(shop=shop)).lines.append(line)
    return CartView(groups=list(groups.values()))


def cart_view(*, user) -> CartView:
    """The buyer's cart at current prices, grouped by shop (three queries)."""
    items = list(CartItem.objects.filter(cart__user=user).order_by("-created_at", "-id"))
    skus = {sku.pk: sku for sku in _skus().filter(pk__in=[i.sku_id for i in items])}
    return _group([CartLine(item_id=i.pk, sku=skus[i.sku_id], quantity=i.quantity) for i in items])


def checkout_preview(*, items: dict[int, int]) -> CartView:
    """What a "buy now" checkout would order, at current prices."""
    skus = {sku.pk: sku for sku in _skus().filter(pk__in=list(items))}
    return _group(
        [CartLine(item_id=None, sku=skus[sku_id], quantity=qty) for sku_id, qty in items.items() if sku_id in skus]
    )


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    lines = OrderLine.objects.order_by("id").prefetch_related(
        Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="first_images")
    )
    return orders.select_related("shop").prefetch_related(
        Prefetch("lines", queryset=lines),
        Prefetch("events", queryset=OrderEvent.objects.order_by("at", "id")),
        Prefetch("refund_requests", queryset=RefundRequest.objects.order_by("-created_at", "-id")),
    )


def buyer_orders(*, user, status: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.for_buyer(user)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    return _with_details(orders).order_by("-created_at", "-id")


def seller_orders(*, shop: Shop, status: str | None = None, refund_open: bool = False) -> QuerySet[Order]:
    """The shop's orders, newest first; `refund_open`: only those with a refund request still open."""
    orders = Order.objects.for_shop(shop)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    if refund_open:
        orders = orders.filter(
            pk__in=RefundRequest.objects.filter(order__shop=shop, status__in=RefundRequest.OPEN_STATUSES).values(
                "order_id"
            )
        )
    return _with_details(orders).select_related("buyer").order_by("-created_at", "-id")


def seller_order_counts(*, shop: Shop) -> dict[str, int]:
    from django.db.models import Count

    rows = Order.objects.for_shop(shop).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def buyer_last_address(*, user) -> dict[str, str]:
    order = (
        Order.objects.for_buyer(user)
        .order_by("-created_at")
        .only("ship_name", "ship_phone", "ship_province", "ship_city", "ship_line")
        .first()
    )
    if order is None:
        return {}
    return {
        "name": order.ship_name,
        "phone": order.ship_phone,
        "province": order.ship_province,
        "city": order.ship_city,
        "line": order.ship_line,
    }


def order_open_refund_request(order: Order) -> RefundRequest | None:
    """From the prefetched refund requests."""
    return next((r for r in order.refund_requests.all() if r.status in RefundRequest.OPEN_STATUSES), None)


# --- reviews ----------------------------------------------------------------------------------------


def _reviews_with_photos(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.select_related("buyer", "order").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id"))
    )


def product_reviews(*, product_id: int, with_photos: bool = False, stars: int | None = None) -> QuerySet[Review]:
    """The product page's reviews: visible ones, those with photos first, then the newest."""
    reviews = Review.objects.visible().filter(product_id=product_id)
    if with_photos:
        reviews = reviews.filter(has_photos=True)
    if stars in (1, 2, 3, 4, 5):
        reviews = reviews.filter(rating=stars)
    return _reviews_with_photos(reviews).order_by("-has_photos", "-created_at", "-id")


@dataclass
class StarBar:
    stars: int
    count: int
    percent: int


@dataclass
class ReviewSummary:
    rating: Decimal | None
    review_count: int
    histogram: list[StarBar]
    visible_count: int
    with_photos: int


def product_review_summary(*, product) -> ReviewSummary:
    """The stored aggregate (rating, count), and the star histogram of the reviews that make it up."""
    by_stars = dict(
        Review.objects.filter(product_id=product.pk, counts_for_product=True)
        .values("rating")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("rating", "n")
    )
    counted = sum(by_stars.values())
    visible = (
        Review.objects.visible()
        .filter(product_id=product.pk)
        .aggregate(n=Count("id"), photos=Count("id", filter=Q(has_photos=True)))
    )
    histogram = [
        StarBar(stars=s, count=by_stars.get(s, 0), percent=round(100 * by_stars.get(s, 0) / counted) if counted else 0)
        for s in range(5, 0, -1)
    ]
    return ReviewSummary(
        rating=product.rating,
        review_count=product.review_count,
        histogram=histogram,
        visible_count=visible["n"],
        with_photos=visible["photos"],
    )


def seller_reviews(*, shop: Shop, unreplied: bool = False) -> QuerySet[Review]:
    reviews = Review.objects.for_shop(shop)
    if unreplied:
        reviews = reviews.filter(replied_at__isnull=True, is_hidden=False)
    return _reviews_with_photos(reviews).order_by("-created_at", "-id")


def seller_unreplied_review_count(*, shop: Shop) -> int:
    return Review.objects.for_shop(shop).filter(replied_at__isnull=True, is_hidden=False).count()


def order_reviews_by_line(*, order: Order) -> dict[int, Review]:
    """The buyer's own reviews of an order (hidden ones too: the author is told why)."""
    return {review.line_id: review for review in _reviews_with_photos(Review.objects.filter(order=order))}


@dataclass
class ScoreComparison:
    key: str
    value: Decimal | None
    peers: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        """How far above (positive) or below the peers' average, in percent."""
        if self.value is None or not self.peers:
            return None
        return ((self.value - self.peers) * 100 / self.peers).quantize(Decimal("0.01"))

    @property
    def abs_percent(self) -> Decimal | None:
        return None if self.percent is None else abs(self.percent)

    @property
    def direction(self) -> str:
        percent = self.percent
        if percent is None:
            return ""
        return "higher" if percent > 0 else "lower" if percent < 0 else "same"


def _category_roots() -> dict[int, int]:
    parents = dict(Category.objects.values_list("id", "parent_id"))
    roots: dict[int, int] = {}
    for category_id in parents:
        root, seen = category_id, set()
        while parents.get(root) and root not in seen:
            seen.add(root)
            root = parents[root]
        roots[category_id] = root
    return roots


def shop_main_category_id(*, shop: Shop, roots: dict[int, int] | None = None) -> int | None:
    """The top-level category most of the shop's public products are in."""
    roots = roots if roots is not None else _category_roots()
    counts: Counter[int] = Counter()
    for category_id, n in (
        Product.objects.filter(shop=shop, visible=True)
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("category_id", "n")
    ):
        counts[roots.get(category_id, category_id)] += n
    return counts.most_common(1)[0][0] if counts else None


def shop_score_comparison(*, shop: Shop) -> dict:
    """The shop's three scores (stored: the last 180 days) against the average of the scored shops in its
    main top-level category ("higher/lower than peers", as Taobao shows them)."""
    roots = _category_roots()
    category_id = shop_main_category_id(shop=shop, roots=roots)
    peers: dict[str, Decimal | None] = {"as_described": None, "communication": None, "shipping": None}
    category = None
    if category_id is not None:
        category = Category.objects.filter(pk=category_id).first()
        in_category = [cid for cid, root in roots.items() if root == category_id]
        peer_shops = Shop.objects.public().filter(
            review_count__gt=0,
            pk__in=Product.objects.filter(visible=True, category_id__in=in_category).values("shop_id"),
        )
        averages = peer_shops.aggregate(
            as_described=Avg("score_as_described"),
            communication=Avg("score_communication"),
            shipping=Avg("score_shipping"),
        )
        peers = {
            key: (Decimal(value).quantize(Decimal("0.01")) if value is not None else None)
            for key, value in averages.items()
        }
    return {
        "category": category,
        "scores": [
            ScoreComparison(key="as_described", value=shop.score_as_described, peers=peers["as_described"]),
            ScoreComparison(key="communication", value=shop.score_communication, peers=peers["communication"]),
            ScoreComparison(key="shipping", value=shop.score_shipping, peers=peers["shipping"]),
        ],
    }


# --- the seller center's to-do counters and figures --------------------------------------------------


@dataclass(frozen=True)
class SellerOrderTodo:
    to_ship: int
    refunds_waiting: int
    refund_due: datetime | None  # the nearest deadline of a request waiting for the seller


def seller_order_todo(*, shop_id: int) -> SellerOrderTodo:
    """Orders to ship and refund requests waiting for the seller, with the nearest deadline. Two counts on
    indexed columns (orders by shop and status; requests by the partial "requested" index)."""
    to_ship = Order.objects.filter(shop_id=shop_id, status=Order.Status.PAID).count()
    waiting = RefundRequest.objects.filter(order__shop_id=shop_id, status=RefundRequest.Status.REQUESTED).aggregate(
        n=Count("id"), due=Min("respond_by")
    )
    return SellerOrderTodo(to_ship=to_ship, refunds_waiting=waiting["n"], refund_due=waiting["due"])


@dataclass(frozen=True)
class SalesDay:
    day: date
    orders: int
    sales: Decimal


def seller_daily_sales(*, shop_id: int, start: date, end: date) -> list[SalesDay]:
    """Orders paid per day in the site's zone, from `start` to `end` inclusive (zeros included), and their
    money (refunded orders taken off). One grouped query over the shop's recent orders: an order is paid
    within the payment deadline of being placed, so the (shop, created_at) index bounds the rows read."""
    zone = timezone.get_current_timezone()
    start_at = datetime.combine(start, time.min, tzinfo=zone)
    end_at = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    rows = (
        Order.objects.filter(
            shop_id=shop_id,
            created_at__gte=start_at - settings.ORDER_PAYMENT_DEADLINE - timedelta(days=1),
            paid_at__gte=start_at,
            paid_at__lt=end_at,
        )
        .exclude(status=Order.Status.REFUNDED)
        .annotate(day=TruncDate("paid_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"), s=Sum("total"))
        .order_by()
    )
    by_day = {row["day"]: row for row in rows}
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        row = by_day.get(day)
        days.append(SalesDay(day=day, orders=row["n"] if row else 0, sales=row["s"] if row else Decimal("0.00")))
    return days


@dataclass(frozen=True)
class OrderEarning:
    """One order on the money page, in a farmer's words: sold for, commission, what comes to you, when."""

    order: Order
    sale: Decimal  # the order's total less what was refunded
    refunded: Decimal
    commission_rate: Decimal | None  # the frozen rate; None when the lines carry different rates
    commission: Decimal
    receive: Decimal
    state: str  # escrow | paused | pending | settled | refunded
    when: datetime | None  # auto-confirm (escrow), end of the hold (pending), settled since (settled)


def seller_order_earnings(*, shop: Shop, now: datetime | None = None) -> QuerySet[Order]:
    """The shop's paid orders, newest payment first, annotated for `order_earning` (a page of them is
    three queries: orders, their commission sums and refunds come from subqueries)."""
    lines = OrderLine.objects.filter(order=OuterRef("pk")).values("order").order_by()
    refunds = (
        RefundRequest.objects.filter(order=OuterRef("pk"), status=RefundRequest.Status.REFUNDED)
        .values("order")
        .order_by()
    )
    return (
        Order.objects.for_shop(shop)
        .filter(paid_at__isnull=False)
        .annotate(
            commission_full=Subquery(
                lines.annotate(s=Sum(F("subtotal") * F("commission_rate"))).values("s"), output_field=DecimalField()
            ),
            rate_min=Subquery(lines.annotate(r=Min("commission_rate")).values("r")),
            rate_max=Subquery(lines.annotate(r=Max("commission_rate")).values("r")),
            refunded=Coalesce(
                Subquery(refunds.annotate(s=Sum("amount")).values("s")),
                Value(Decimal("0.00")),
                output_field=DecimalField(),
            ),
        )
        .order_by("-paid_at", "-id")
    )


def order_earning(order: Order, *, now: datetime | None = None) -> OrderEarning:
    """What the seller receives from an annotated order (seller_order_earnings), by the rule the ledger
    uses at receipt (orders.services.lifecycle.order_commission): the frozen per-line commission, scaled
    to what is left after refunds."""
    now = now or timezone.now()
    refunded = order.refunded or Decimal("0.00")
    sale = max(order.total - refunded, Decimal("0.00"))
    full = order.commission_full or Decimal("0")
    commission = (
        min((full * sale / order.total).quantize(Decimal("0.01")), sale) if order.total > 0 else Decimal("0.00")
    )
    rate = order.rate_min if order.rate_min == order.rate_max else None
    when: datetime | None = None
    if order.status == Order.Status.REFUNDED or sale == 0:
        state = "refunded"
    elif order.status == Order.Status.COMPLETED:
        settles_at = (order.completed_at or now) + timedelta(days=settings.PAYOUT_HOLD_DAYS)
        state, when = ("pending", settles_at) if settles_at > now else ("settled", settles_at)
    elif order.status == Order.Status.SHIPPED and order.auto_confirm_at is None:
        state = "paused"  # a refund request is open: the clock waits for it
    else:
        state, when = "escrow", order.auto_confirm_at
    return OrderEarning(
        order=order,
        sale=sale,
        refunded=refunded,
        commission_rate=rate,
        commission=commission,
        receive=sale - commission,
        state=state,
        when=when,
    )
