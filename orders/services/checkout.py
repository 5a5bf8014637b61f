"""Checkout: one order per shop, one payment for all, stock reserved in the same transaction.

The number of SQL statements does not depend on the number of lines (bulk inserts; stock reserved by
one conditional UPDATE), see tests/services/test_checkout.py. A buy-now of one SKU through the API skips
the transaction on PostgreSQL: orders.services.checkout_one_statement writes the same rows (built here, by
`checkout_rows_build`) in one statement.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.errors import OutOfStock
from catalog.models import Category, Sku
from catalog.selectors import skus_for_checkout
from catalog.services import stock_reserve
from common.db import is_unique_violation
from common.errors import DrawTaken, ValidationFailed
from common.idempotency import WriteTransaction, write_retried, write_transaction
from common.money import quantize
from common.reversing import reverse_ints
from common.text import clean_text
from orders.attribution import OrderSource
from orders.models import CartItem, Order, OrderEvent, OrderLine
from orders.services.cart import parse_quantity, parse_sku_id
from orders.services.checkout_fast_sql import CheckoutRows, checkout_rows_insert
from orders.services.events import order_events_announce
from payments.models import Payment
from payments.services import AllocationSpec, payment_pay_url, payment_prepare

MAX_CHECKOUT_LINES = 100
# The delivery address's rules (the API's serializer and the page's form declare these, the service enforces).
ADDRESS_MAX_LENGTHS = {
    f: Order._meta.get_field(f"ship_{f}").max_length for f in ("name", "phone", "province", "city", "line")
}
PHONE_PATTERN = r"^\+?[0-9][0-9 \-]{4,18}$"
PHONE_MESSAGE = gettext_lazy("Give a phone number the courier can call.")
_PHONE = re.compile(PHONE_PATTERN)


@dataclass(frozen=True)
class PlacedOrder:
    """An order as the checkout made it, with its lines (so presenting it needs no query); reads as the order."""

    order: Order
    lines: list[OrderLine]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.order, name)


@dataclass(frozen=True)
class CheckoutResult:
    orders: list[Order]
    lines: dict[int, list[OrderLine]]  # by order id, so presenting the result needs no query
    payment: Payment
    pay_url: str

    @property
    def placed(self) -> list[PlacedOrder]:
        return [PlacedOrder(order=order, lines=self.lines.get(order.pk, [])) for order in self.orders]


@dataclass(frozen=True)
class OfferedTerms:
    """An offer's prices by SKU id (every SKU of the checkout, all of one shop) and its shipping fee."""

    prices: dict[int, Decimal]
    shipping_fee: Decimal


def address_clean(address: Any) -> dict[str, str]:
    if not isinstance(address, dict):
        raise ValidationFailed(fields={"address": [_("Give the delivery address: name, phone, province, city, line.")]})
    clean: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for field, max_length in ADDRESS_MAX_LENGTHS.items():
        try:
            clean[field] = clean_text(
                address.get(field), multiline=False, field=f"address.{field}", required=True, max_length=max_length
            )
        except ValidationFailed as exc:  # every field's error at once
            errors.update(exc.fields)
            clean[field] = ""
    if "address.phone" not in errors and not _PHONE.match(clean["phone"]):
        errors["address.phone"] = [str(PHONE_MESSAGE)]
    if errors:
        raise ValidationFailed(fields=errors)
    return clean


def checkout_items_parse(items: Any) -> dict[int, int]:
    """[{sku, quantity}] → {sku_id: quantity}; one SKU listed twice is added up (still at most 999)."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed(fields={"items": [_("List at least one item: {sku, quantity}.")]})
    if len(items) > MAX_CHECKOUT_LINES:
        raise ValidationFailed(fields={"items": [_("At most %(n)d items.") % {"n": MAX_CHECKOUT_LINES}]})
    wanted: dict[int, int] = defaultdict(int)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationFailed(fields={f"items[{index}]": [_("An item is {sku, quantity}.")]})
        sku_id = parse_sku_id(item.get("sku"), field=f"items[{index}].sku")
        wanted[sku_id] += parse_quantity(item.get("quantity"), field=f"items[{index}].quantity")
        parse_quantity(wanted[sku_id], field=f"items[{index}].quantity")
    return dict(wanted)


def commission_rate_for(category: Category, *, shop=None) -> Decimal:
    """The shop's override, else the category's rate, else its parent's, else the platform's.

    Frozen on the order line: changing a rate later does not change what was already sold."""
    if shop is not None and shop.commission_rate is not None:
        return shop.commission_rate
    if category.commission_rate is not None:
        return category.commission_rate
    if category.parent_id and category.parent.commission_rate is not None:
        return category.parent.commission_rate
    return Decimal(settings.PLATFORM_COMMISSION_RATE)


def order_number_new(now: datetime) -> str:
    """Readable and unguessable: the date, then 10 random digits (e.g. 20261121 4830019275). Two orders of a
    day draw the same one rarely but surely (bench B1 met it twice in 37,000 orders): the checkout then
    draws again (DrawTaken)."""
    return timezone.localtime(now).strftime("%Y%m%d") + f"{secrets.randbelow(10**10):010d}"


def _cart_items(buyer) -> dict[int, int]:
    """The whole cart as {sku_id: quantity}."""
    wanted = dict(CartItem.objects.filter(cart__user=buyer).values_list("sku_id", "quantity"))
    if not wanted:
        raise ValidationFailed(fields={"items": [_("Your cart is empty.")]})
    if len(wanted) > MAX_CHECKOUT_LINES:
        raise ValidationFailed(fields={"items": [_("At most %(n)d items.") % {"n": MAX_CHECKOUT_LINES}]})
    return wanted


def skus_on_sale(*, wanted: dict[int, int], buyer_id: int, also: tuple[str, ...] = ()) -> dict[int, Sku]:
    """The SKUs, each on sale, not the buyer's own shop's, with the stock wanted as of this read (the
    conditional UPDATE at the end is the authority). `also`: see catalog's skus_for_checkout."""
    skus = skus_for_checkout(sku_ids=wanted, buyer_id=buyer_id, also=also)
    for sku_id in sorted(wanted):
        sku = skus.get(sku_id)
        if sku is None:
            raise ValidationFailed(fields={"items": [_("One of these items is no longer for sale.")]})
        if not (sku.is_active and sku.product.visible):
            raise OutOfStock(
                sku_id=sku_id, available=0, message=_("%(title)s is no longer on sale.") % {"title": sku.product.title}
            )
        if sku.buyer_is_member:
            raise ValidationFailed(fields={"items": [_("You cannot buy from your own shop.")]})
        if sku.stock < wanted[sku_id]:  # sold out as of the read above: answer before writing anything
            raise OutOfStock(sku_id=sku_id, available=sku.stock)
    return skus


def checkout_place(
    *,
    buyer,
    address: Any,
    items: Any = None,
    offered: OfferedTerms | None = None,
    now: datetime | None = None,
    source: OrderSource | None = None,
) -> CheckoutResult:
    """Places the buyer's orders (the whole cart, or `items` for "buy now") and one payment.

    `offered`: an accepted offer's terms (offers app): its unit prices instead of the list prices (each
    line keeps both) and its shipping fee on the one shop's order; everything else is an ordinary checkout.
    `source`: where the buyer placed it (orders.attribution, e.g. a live show): stamped on that shop's order.

    Prices come from the database. Stock is reserved by conditional UPDATEs as the last statement of the
    transaction (so a hot SKU's row is locked only until the COMMIT): if any SKU is short, nothing is written
    and OutOfStock names it. Under an Idempotency-Key (common.idempotency) the checkout joins the key's
    transaction, and the stock is still taken last, after the answer is stored.

    Every row-lock wait is bounded by CHECKOUT_LOCK_WAIT_MS: past it the buyer gets a 409 `busy` with
    Retry-After (nothing written); a database that is gone is a 503 `unavailable` — never a 500. An order
    number (drawn at random) already taken rolls everything back and the checkout runs again with new ones
    (`write_retried`; inside a caller's transaction, the caller's write runs again).
    """

    def place() -> CheckoutResult:
        with write_transaction(lock_wait_ms=settings.CHECKOUT_LOCK_WAIT_MS) as tx:
            return _checkout_place(
                tx=tx, buyer=buyer, address=address, items=items, offered=offered, now=now, source=source
            )

    return write_retried(place)


def _lines_build(
    *, orders: list[Order], by_shop: dict[int, list[Sku]], wanted: dict[int, int], unit_price: dict[int, Decimal]
) -> list[OrderLine]:
    """Each order's lines: the price paid, the list price and the commission rate, frozen."""
    order_by_shop = {order.shop_id: order for order in orders}
    return [
        OrderLine(
            order=order_by_shop[shop_id],
            sku=sku,
            product=sku.product,
            product_title=sku.product.title,
            sku_name=sku.name,
            unit_price=unit_price[sku.pk],
            list_price=sku.price,
            quantity=wanted[sku.pk],
            subtotal=quantize(unit_price[sku.pk] * wanted[sku.pk]),
            commission_rate=commission_rate_for(sku.product.category, shop=sku.product.shop),
        )
        for shop_id, shop_skus in by_shop.items()
        for sku in shop_skus
    ]


def _checkout_place(
    *,
    tx: WriteTransaction,
    buyer,
    address: Any,
    items: Any,
    offered: OfferedTerms | None,
    now: datetime | None,
    source: OrderSource | None = None,
) -> CheckoutResult:
    now = now or timezone.now()
    address = address_clean(address)
    wanted = checkout_items_parse(items) if items is not None else _cart_items(buyer)
    skus = skus_on_sale(wanted=wanted, buyer_id=buyer.pk)
    rows = checkout_rows_build(
        buyer=buyer, address=address, wanted=wanted, skus=skus, offered=offered, now=now, source=source
    )
    # The payment, its allocations, the orders, their lines and "placed" events, and the cart's lines bought:
    # one statement on PostgreSQL (checkout_fast_sql, bench B1), the ORM's inserts elsewhere.
    try:
        checkout_rows_insert(rows)
    except IntegrityError as exc:
        # The only unique values these rows bring are the drawn order numbers (the orders' and the payment
        # allocations' references); the ids come from sequences. The write runs again with new numbers.
        if is_unique_violation(exc):
            raise DrawTaken() from exc
        raise
    order_events_announce(rows.events)

    # Last, so a hot SKU's row lock is held for one UPDATE and the COMMIT, not for the whole checkout
    # (bench B1). The conditional UPDATE is the authority: if it falls short, everything rolls back.
    tx.run_last(lambda: stock_reserve(items=wanted))
    return checkout_result(rows)


def checkout_rows_build(
    *,
    buyer,
    address: dict[str, str],
    wanted: dict[int, int],
    skus: dict[int, Sku],
    offered: OfferedTerms | None,
    now: datetime,
    source: OrderSource | None,
) -> CheckoutRows:
    """A checkout's rows, unsaved, with freshly drawn order numbers: one order per shop, its lines, its
    "placed" event, and the payment with its allocations (`address`: cleaned; `skus`: skus_on_sale's)."""
    by_shop: dict[int, list[Sku]] = defaultdict(list)
    for sku_id in sorted(wanted):
        by_shop[skus[sku_id].product.shop_id].append(skus[sku_id])
    if offered is not None and (len(by_shop) != 1 or set(offered.prices) != set(wanted)):
        raise ValueError("An offer's terms price every SKU of the checkout, all of one shop.")
    unit_price = {sku_id: offered.prices[sku_id] if offered else sku.price for sku_id, sku in skus.items()}
    shipping_fee = offered.shipping_fee if offered else Decimal("0.00")
    numbers = {shop_id: order_number_new(now) for shop_id in by_shop}
    totals = {
        shop_id: quantize(sum((unit_price[s.pk] * wanted[s.pk] for s in shop_skus), shipping_fee))
        for shop_id, shop_skus in by_shop.items()
    }
    deadline = now + settings.ORDER_PAYMENT_DEADLINE
    payment, allocations = payment_prepare(
        buyer=buyer,
        currency="CNY",
        return_url=reverse_ints("orders:my-orders"),
        expires_at=deadline,
        allocations=[
            AllocationSpec(shop_id=shop_id, reference=numbers[shop_id], amount=totals[shop_id]) for shop_id in by_shop
        ],
    )
    orders = [
        Order(
            number=numbers[shop_id],
            buyer=buyer,
            shop=shop_skus[0].product.shop,
            payment=payment,
            total=totals[shop_id],
            shipping_fee=shipping_fee,
            item_count=sum(wanted[s.pk] for s in shop_skus),
            payment_deadline_at=deadline,
            ship_name=address["name"],
            ship_phone=address["phone"],
            ship_province=address["province"],
            ship_city=address["city"],
            ship_line=address["line"],
            source_kind=source.kind if source and source.shop_id == shop_id else "",
            source_id=source.id if source and source.shop_id == shop_id else None,
        )
        for shop_id, shop_skus in by_shop.items()
    ]
    lines = _lines_build(orders=orders, by_shop=by_shop, wanted=wanted, unit_price=unit_price)
    events = [
        OrderEvent(order=order, type=OrderEvent.Type.PLACED, at=now, actor=buyer, data={"total": f"{order.total:.2f}"})
        for order in orders
    ]
    return CheckoutRows(
        payment=payment,
        allocations=allocations,
        orders=orders,
        lines=lines,
        events=events,
        buyer_id=buyer.pk,
        cart_sku_ids=sorted(wanted),
    )


def checkout_result(rows: CheckoutRows) -> CheckoutResult:
    """What the checkout answers, from its saved rows (no query)."""
    lines_by_order: dict[int, list[OrderLine]] = defaultdict(list)
    for line in rows.lines:
        lines_by_order[line.order_id].append(line)
    return CheckoutResult(
        orders=rows.orders,
        lines=dict(lines_by_order),
        payment=rows.payment,
        pay_url=payment_pay_url(payment=rows.payment),
    )
