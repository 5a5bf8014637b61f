"""The buyer's cart: SKUs from many shops, quantities 1…999, never more than the stock."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.errors import OutOfStock
from catalog.models import Sku
from common.errors import ValidationFailed
from common.ids import parse_id
from orders.models import MAX_QUANTITY, Cart, CartItem
from shops.models import ShopMember

MAX_CART_ITEMS = 100


def parse_quantity(value: Any, *, field: str = "quantity") -> int:
    """Whole numbers 1…999 only: no floats, no exponents, no booleans, no huge numbers."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 4:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        raise ValidationFailed(
            fields={field: [_("A quantity is a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}]}
        )
    return value


def parse_sku_id(value: Any, *, field: str = "sku") -> int:
    return parse_id(value, field=field, message=_("Give the SKU's id."))


def sku_for_sale(*, sku_id: int, field: str = "sku") -> Sku:
    sku = Sku.objects.select_related("product__shop").filter(pk=sku_id, is_active=True, product__visible=True).first()
    if sku is None:
        raise ValidationFailed(fields={field: [_("This item is not on sale.")]})
    return sku


def _check_not_own_shop(*, user, shop_id: int, field: str = "sku") -> None:
    if ShopMember.objects.filter(user=user, shop_id=shop_id).exists():
        raise ValidationFailed(fields={field: [_("You cannot buy from your own shop.")]})


@transaction.atomic
def cart_item_add(*, user, sku_id: Any, quantity: Any) -> CartItem:
    """Adds to the cart; the combined quantity of one SKU may not exceed its stock (409 out_of_stock)."""
    quantity = parse_quantity(quantity)
    sku = sku_for_sale(sku_id=parse_sku_id(sku_id))
    _check_not_own_shop(user=user, shop_id=sku.product.shop_id)
    cart, _created = Cart.objects.get_or_create(user=user)
    item = CartItem.objects.select_for_update().filter(cart=cart, sku=sku).first()
    if item is None and cart.items.count() >= MAX_CART_ITEMS:
        raise ValidationFailed(fields={"sku": [_("Your cart is full (%(n)d items).") % {"n": MAX_CART_ITEMS}]})
    combined = quantity + (item.quantity if item else 0)
    if combined > MAX_QUANTITY:
        raise ValidationFailed(fields={"quantity": [_("At most %(max)d of one item.") % {"max": MAX_QUANTITY}]})
    if combined > sku.stock:
        raise OutOfStock(sku_id=sku.pk, available=sku.stock)
    if item is None:
        try:
            with transaction.atomic():
                return CartItem.objects.create(cart=cart, sku=sku, quantity=quantity)
        except IntegrityError:  # a twin request added it first
            item = CartItem.objects.select_for_update().get(cart=cart, sku=sku)
            if item.quantity + quantity > min(sku.stock, MAX_QUANTITY):
                raise OutOfStock(sku_id=sku.pk, available=sku.stock) from None
            combined = item.quantity + quantity
    item.quantity = combined
    item.save(update_fields=["quantity", "updated_at"])
    return item


@transaction.atomic
def cart_item_update(*, item: CartItem, quantity: Any) -> CartItem:
    quantity = parse_quantity(quantity)
    stock = Sku.objects.filter(pk=item.sku_id).values_list("stock", flat=True).first() or 0
    if quantity > stock:
        raise OutOfStock(sku_id=item.sku_id, available=stock)
    item.quantity = quantity
    item.save(update_fields=["quantity", "updated_at"])
    return item


@transaction.atomic
def cart_item_remove(*, item: CartItem) -> None:
    item.delete()
