"""Reads for the cart: its lines grouped by shop, and a buy-now's preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Prefetch,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from catalog.models import ProductImage, Sku
from orders.models import CartItem
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
