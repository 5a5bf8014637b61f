"""FAST PATH (bench B1, bench/RESULTS.md): a buy-now of one SKU in one statement on PostgreSQL.

A checkout in its write transaction costs six round trips to PostgreSQL for a keyed buy-now (token; BEGIN;
the key's claim with the SKU read; the rows; the stock with the stored answer; COMMIT), each ~80 µs of the
server's CPU besides PostgreSQL's, and the hot SKU's row stays locked while the server sends the COMMIT.
Here, with the connection in autocommit, it is three: the token, the SKU read (which also draws the rows'
ids from their sequences), and one statement that takes the stock and, only if it did, writes the key with
its answer, the payment, the order and their rows (orders.services.checkout_fast_sql's `_one_statement`):
one statement is one transaction, so all of it or none, and the hot row is locked from the UPDATE to the
statement's own commit without a round trip in between.

What it answers is the checkout's answer, built by the same code as `checkout_place` (its rows by
`checkout_rows_build`, its answer by the caller's serializer), and every refusal is the same: the SKU read's
(ValidationFailed, OutOfStock) before anything is written; the stock short or off sale at the UPDATE
(`stock_shortfall`); the key already answered (replayed, or 409 reused), or a twin still working on it
(409 in flight); a row lock not granted in time (409 busy); a drawn order number taken (drawn again).
A retry under a key whose first request placed its order is replayed even when the SKU has sold out since.
orders/tests/api/test_checkout_one_statement.py holds it to `checkout_place` on the same requests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from catalog.errors import OutOfStock
from catalog.services import products_in_stock_recount, stock_shortfall
from common.db import database_trouble_answered, is_unique_violation
from common.errors import DrawTaken, ValidationFailed
from common.idempotency import (
    IdempotencyKeyInFlight,
    IdempotencyKeyTaken,
    IdempotentWrite,
    answer_stored,
    key_answers,
    write_retried,
)
from orders.attribution import OrderSource
from orders.services.checkout import (
    CheckoutResult,
    address_clean,
    checkout_items_parse,
    checkout_result,
    checkout_rows_build,
    skus_on_sale,
)
from orders.services.checkout_fast_sql import (
    RESERVED,
    CheckoutRows,
    buy_now_insert_sql,
    buy_now_rows_saved,
    ids_reserved_sql,
)
from orders.services.events import order_events_announce


def buy_now_in_one_statement(data: Any) -> dict[int, int] | None:
    """{sku_id: quantity} when this request is a buy-now this path takes: on PostgreSQL, `items` naming one
    SKU, well formed. Anything else (a cart checkout, several SKUs, items the checkout refuses) is None: the
    checkout's transaction answers it, in its usual order."""
    if connection.vendor != "postgresql" or not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return None
    try:
        wanted = checkout_items_parse(data["items"])
    except ValidationFailed:
        return None
    return wanted if len(wanted) == 1 else None


def buy_now_place(
    *,
    buyer,
    address: Any,
    wanted: dict[int, int],
    source: OrderSource | None,
    store: type[models.Model],
    key: str | None,
    fingerprint: str,
    lock_wait_ms: int,
    answer: Callable[[CheckoutResult], dict],
    now: datetime | None = None,
) -> IdempotentWrite:
    """Places the buy-now (`wanted`: buy_now_in_one_statement's) and stores `answer(result)` under the
    buyer's `key` in the same statement; returns the answer (201), or the key's first answer replayed."""
    now = now or timezone.now()
    address = address_clean(address)
    try:
        skus = skus_on_sale(wanted=wanted, buyer_id=buyer.pk, also=ids_reserved_sql())
    except (ValidationFailed, OutOfStock):
        replayed = _replayed(store=store, buyer=buyer, key=key, fingerprint=fingerprint)
        if replayed is not None:  # the first request placed it; the SKU may have gone since
            return replayed
        raise
    (sku,) = skus.values()

    def write() -> tuple[CheckoutRows, dict, models.Model | None, list[tuple]]:
        rows = checkout_rows_build(
            buyer=buyer, address=address, wanted=wanted, skus=skus, offered=None, now=now, source=source
        )
        _ids_given(rows, sku.also)
        body = answer(checkout_result(rows))
        key_row = (
            store(user=buyer, key=key, request_hash=fingerprint, status_code=201, response_json=body) if key else None
        )
        try:
            with database_trouble_answered(), key_answers(store), _on_its_own():
                taken = buy_now_insert_sql(rows, store=store, key_row=key_row, lock_wait_ms=lock_wait_ms)
        except IntegrityError as exc:
            # Besides the key (key_answers), the only unique values these rows bring are the drawn order
            # number (the order's and the allocation's reference): write_retried draws again.
            if is_unique_violation(exc):
                raise DrawTaken() from exc
            raise
        return rows, body, key_row, taken

    try:
        rows, body, key_row, taken = write_retried(write)
    except IdempotencyKeyTaken:  # an earlier request's, committed: its answer
        replayed = _replayed(store=store, buyer=buyer, key=key, fingerprint=fingerprint)
        if replayed is None:  # deleted since (not by this code)
            raise IdempotencyKeyInFlight() from None
        return replayed
    if not taken:
        replayed = _replayed(store=store, buyer=buyer, key=key, fingerprint=fingerprint)
        if replayed is not None:
            return replayed
        raise stock_shortfall(sku_id=sku.pk)
    buy_now_rows_saved(rows)
    sold_out = [product_id for _sku_id, product_id in taken if product_id is not None]
    if sold_out:  # this took the last unit: the product shows as sold out (its own short transaction)
        with transaction.atomic():
            products_in_stock_recount(product_ids=sold_out)
    order_events_announce(rows.events)  # committed already: announced at once
    return IdempotentWrite(claim=key_row, status_code=201, body=body)


def _on_its_own() -> contextlib.AbstractContextManager:
    """Around the statement: nothing in autocommit (one statement, one transaction); inside a caller's
    transaction (a test's), a savepoint, so a refused statement leaves that transaction usable."""
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


def _ids_given(rows: CheckoutRows, reserved: tuple[int, ...]) -> None:
    """The rows' ids from the SKU read's reservation (RESERVED's order), and each row's parents' ids."""
    ids = dict(zip(RESERVED, reserved, strict=True))
    (allocation,), (order,), (line,), (event,) = rows.allocations, rows.orders, rows.lines, rows.events
    rows.payment.pk = ids[type(rows.payment)]
    allocation.pk, allocation.payment_id = ids[type(allocation)], rows.payment.pk
    order.pk, order.payment_id = ids[type(order)], rows.payment.pk
    line.pk, line.order_id = ids[type(line)], order.pk
    event.pk, event.order_id = ids[type(event)], order.pk
    event.data = {"payment": rows.payment.pk, **event.data}


def _replayed(*, store: type[models.Model], buyer, key: str | None, fingerprint: str) -> IdempotentWrite | None:
    return answer_stored(store=store, user=buyer, key=key, fingerprint=fingerprint) if key else None
