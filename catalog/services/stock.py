"""Stock: the only place it changes (conditional UPDATEs through F()), and the sales and rating counters."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from catalog.errors import OutOfStock
from catalog.models import Product, Sku
from catalog.search_counts import listings_changed
from catalog.stock_gate import stock_gate_reopen
from common.errors import ValidationFailed
from common.idempotency import with_carried

# --- stock --------------------------------------------------------------------------------------


def _normalise(items: Mapping[int, int]) -> list[tuple[int, int]]:
    pairs = sorted((int(sku_id), int(qty)) for sku_id, qty in items.items())
    for _sku_id, qty in pairs:
        if qty <= 0:
            raise ValidationFailed(fields={"quantity": [_("Quantities are positive.")]})
    return pairs


_TAKE_SQL = """
UPDATE catalog_sku AS s SET stock = s.stock - v.qty, updated_at = now()
FROM {wanted} AS v(id, qty)
WHERE s.id = v.id AND s.stock >= v.qty AND s.is_active
RETURNING s.id, CASE WHEN s.stock = 0 THEN s.product_id END
"""
_RESERVE_SQL = _TAKE_SQL.format(wanted="unnest(%s::bigint[], %s::integer[])")
# One SKU's quantity taken with every row-lock wait of the transaction bounded first (`set_config(…, is_local)`,
# i.e. `SET LOCAL lock_timeout`, read in the same join that finds the row, so before any wait on it).
# Parameters: the SKU's id, the quantity, the wait in milliseconds (text). The rows it returns are
# stock_reserve's (the SKU's id, and its product's id when this took its last unit): none when the SKU
# is short or off sale (stock_shortfall says which). A buy-now's one statement takes it as its first
# `WITH` query (orders.services.checkout_one_statement, bench B1).
STOCK_TAKE_ONE_BOUNDED_SQL = _TAKE_SQL.format(
    wanted="(SELECT %s::bigint, %s::integer FROM (SELECT set_config('lock_timeout', %s, true)) AS lock_wait)"
)


@transaction.atomic(savepoint=False)  # all or nothing with its caller: an OutOfStock rolls back the checkout
def stock_reserve(*, items: Mapping[int, int]) -> None:
    """Takes `qty` of each SKU, all or nothing, with conditional updates (`stock >= qty`).

    Two statements whatever the number of SKUs: lock the rows in pk order (so concurrent checkouts
    over the same SKUs cannot deadlock), then one UPDATE. A single SKU skips the lock: the
    conditional UPDATE alone is both correct and fastest on a hot row. Only when a SKU is sold out by it
    does its product's in-stock flag get recounted (products_in_stock_recount: two more statements).
    """
    pairs = _normalise(items)
    if not pairs:
        return
    ids = [sku_id for sku_id, _qty in pairs]
    quantities = [qty for _sku_id, qty in pairs]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if len(pairs) > 1:
                cursor.execute("SELECT id FROM catalog_sku WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ids])
            # With what the write transaction carries (a checkout's stored answer: one round trip, bench B1).
            cursor.execute(*with_carried(_RESERVE_SQL, [ids, quantities]))
            rows = cursor.fetchall()
        taken = {row[0] for row in rows}
        sold_out = {row[1] for row in rows if row[1] is not None}
    else:
        taken = set()
        for sku_id, qty in pairs:
            if Sku.objects.filter(pk=sku_id, stock__gte=qty, is_active=True).update(stock=F("stock") - qty):
                taken.add(sku_id)
        sold_out = set(Sku.objects.filter(pk__in=taken, stock=0).values_list("product_id", flat=True))
    if sold_out and len(taken) == len(pairs):
        products_in_stock_recount(product_ids=sold_out)
    if len(taken) != len(pairs):
        # The first SKU (in pk order) that could not be taken; the transaction rolls back the rest.
        raise stock_shortfall(sku_id=next(sku_id for sku_id in ids if sku_id not in taken))


def stock_shortfall(*, sku_id: int) -> OutOfStock:
    """Why a conditional UPDATE could not take the SKU's quantity: what is left of it (none when it is off
    sale); `sold_out` when nothing is left of a SKU on sale (the stock gate closes on it)."""
    row = Sku.objects.filter(pk=sku_id).values("stock", "is_active").first()
    on_sale = bool(row and row["is_active"])
    available = row["stock"] if on_sale else 0
    return OutOfStock(sku_id=sku_id, available=available, sold_out=on_sale and available <= 0)


@transaction.atomic
def stock_release(*, items: Mapping[int, int]) -> None:
    """Gives reserved stock back (a cancelled order, returned goods). One statement: the SKUs' UPDATE and
    their products' in-stock flag (set whatever it was: taking the products' row locks is what makes a
    concurrent sell-out's recount wait for this); the stock gate reopens these SKUs once it commits."""
    pairs = _normalise(items)
    if not pairs:
        return
    stock_gate_reopen(sku_ids=[sku_id for sku_id, _qty in pairs])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH released AS (
                    UPDATE catalog_sku AS s SET stock = s.stock + v.qty, updated_at = now()
                    FROM unnest(%s::bigint[], %s::integer[]) AS v(id, qty) WHERE s.id = v.id
                    RETURNING s.product_id, s.is_active
                )
                UPDATE catalog_product SET in_stock = true
                WHERE id IN (SELECT product_id FROM released WHERE is_active)
                """,
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
    else:
        for sku_id, qty in pairs:
            Sku.objects.filter(pk=sku_id).update(stock=F("stock") + qty)
        on_sale = Sku.objects.filter(pk__in=[p[0] for p in pairs], is_active=True).values("product_id")
        Product.objects.filter(pk__in=on_sale).update(in_stock=True)
    listings_changed()


def products_in_stock_recount(*, product_ids: Collection[int]) -> None:
    """Sets each product's in-stock flag from its SKUs (some on sale with stock). The products' rows are
    locked first, in pk order, and the SKUs read by the next statement: its snapshot sees every stock change
    committed by whoever held a lock before (two checkouts selling out two SKUs of one product each see the
    other's, whichever recounts second)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    stocked = Sku.objects.filter(product=OuterRef("pk"), is_active=True, stock__gt=0)
    Product.objects.filter(pk__in=ids).update(in_stock=Exists(stocked))
    listings_changed()


@transaction.atomic
def product_sales_add(*, items: Mapping[int, int]) -> None:
    """Adds sold quantities to products' sales counts ({product_id: qty}); negative takes back (a refunded
    sale), never below zero."""
    for product_id, qty in sorted(items.items()):
        if qty:
            Product.objects.filter(pk=product_id).update(sales_count=Greatest(F("sales_count") + qty, 0))


@transaction.atomic
def product_rating_set(*, product_id: int, rating: Decimal | None, review_count: int) -> None:
    Product.objects.filter(pk=product_id).update(rating=rating, review_count=review_count)
    listings_changed()  # the rating filter's counts
