"""Reads for orders and the cart."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from catalog.models import ProductImage, Sku
from orders.models import CartItem, Order, OrderEvent, OrderLine, RefundRequest
from shops.models import Shop


def cart_item_count(*, user) -> int:
    """The header badge: one cheap query."""
    if not user.is_authenticated:
        return 0
    return CartItem.objects.filter(cart__user=user).count()


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
        Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"),
                 to_attr="first_images"))


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
    return _group([CartLine(item_id=None, sku=skus[sku_id], quantity=qty) for sku_id, qty in items.items()
                   if sku_id in skus])


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    lines = OrderLine.objects.order_by("id").prefetch_related(
        Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="first_images"))
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


def seller_orders(*, shop: Shop, status: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.for_shop(shop)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    return _with_details(orders).select_related("buyer").order_by("-created_at", "-id")


def seller_order_counts(*, shop: Shop) -> dict[str, int]:
    from django.db.models import Count

    rows = Order.objects.for_shop(shop).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def buyer_last_address(*, user) -> dict[str, str]:
    order = Order.objects.for_buyer(user).order_by("-created_at").only(
        "ship_name", "ship_phone", "ship_province", "ship_city", "ship_line").first()
    if order is None:
        return {}
    return {"name": order.ship_name, "phone": order.ship_phone, "province": order.ship_province,
            "city": order.ship_city, "line": order.ship_line}


def order_open_refund_request(order: Order) -> RefundRequest | None:
    """From the prefetched refund requests."""
    return next((r for r in order.refund_requests.all() if r.status in RefundRequest.OPEN_STATUSES), None)
