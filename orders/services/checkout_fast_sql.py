"""FAST PATH (bench B1, bench/RESULTS.md): a checkout's rows in ONE statement on PostgreSQL.

The payment and its allocations (built by `payments.services.payment_prepare`, as `payment_create` would
save them), the orders, their lines and their "placed" events are inserted by one statement of
data-modifying CTEs, which also removes what was bought from the buyer's cart: one round trip instead of
six, and none of the ORM's insert compilation (bench B1's profile: the five ORM inserts were ~30 % of a
checkout's CPU, and each a round trip to a busy PostgreSQL).

`checkout_rows_insert_orm` beside it is the plain-ORM definition of what the statement must write (and
what other databases run); orders/tests/services/test_checkout_fast_sql.py runs both on the same data and
compares the rows. Columns, their order and their casts come from the models' fields, and every value
goes through the field's own `pre_save` and `get_db_prep_save` (the ORM's conversions); only the rows
inserted by the statement itself are joined in SQL: the payment's id (allocations, orders, and the
events' `data.payment`) and each order's id (lines, events), matched by the order's unique number.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection, models

from orders.models import Cart, CartItem, Order, OrderEvent, OrderLine
from payments.models import Payment, PaymentAllocation


@dataclass(frozen=True)
class CheckoutRows:
    """A checkout's rows, unsaved: allocations and orders point at `payment`, lines and events at one of
    `orders`; each event's `data` gets `"payment": <the payment's id>`. `cart_sku_ids` leave the buyer's cart."""

    payment: Payment
    allocations: list[PaymentAllocation]
    orders: list[Order]
    lines: list[OrderLine]
    events: list[OrderEvent]
    buyer_id: int
    cart_sku_ids: list[int]


def checkout_rows_insert(rows: CheckoutRows) -> None:
    """Saves the rows (each object gets its pk and its parents' ids), in the caller's transaction."""
    if connection.vendor == "postgresql":
        checkout_rows_insert_sql(rows)
    else:
        checkout_rows_insert_orm(rows)


# --- the plain-ORM definition ---------------------------------------------------------------------------


def checkout_rows_insert_orm(rows: CheckoutRows) -> None:
    rows.payment.save(force_insert=True)
    PaymentAllocation.objects.bulk_create(rows.allocations)  # ids taken from the saved parents
    Order.objects.bulk_create(rows.orders)
    OrderLine.objects.bulk_create(rows.lines)
    for event in rows.events:
        event.data = {"payment": rows.payment.pk, **event.data}
    OrderEvent.objects.bulk_create(rows.events)
    CartItem.objects.filter(cart__user_id=rows.buyer_id, sku_id__in=rows.cart_sku_ids).delete()


# --- the statement --------------------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model: type[models.Model], *, joined: tuple[str, ...]) -> list[models.Field]:
    """The columns given as parameters: every concrete column but the pk and those the statement joins."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in joined]


def _values_row(fields: list[models.Field], *, extra: tuple[str, ...] = ()) -> str:
    """One row of parameters, each cast to its column's type (a VALUES list has no column types of its own);
    `extra` first: the casts of the values the statement joins on (an order's number, an event's data)."""
    return "(" + ", ".join([f"%s::{cast}" for cast in extra] + [f"%s::{f.db_type(connection)}" for f in fields]) + ")"


def _params(obj: models.Model, fields: list[models.Field]) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]


@functools.cache
def _shapes() -> tuple[list[models.Field], ...]:
    return (
        _fields(Payment, joined=()),
        _fields(PaymentAllocation, joined=("payment",)),
        _fields(Order, joined=("payment",)),
        _fields(OrderLine, joined=("order",)),
        _fields(OrderEvent, joined=("order", "data")),
    )


@functools.cache
def _statement(n_orders: int, n_lines: int) -> str:
    """The statement for `n_orders` orders (as many allocations and events) and `n_lines` lines."""
    payment, allocation, order, line, event = _shapes()

    def names(fields: list[models.Field]) -> str:
        return ", ".join(_q(f.column) for f in fields)

    def aliases(fields: list[models.Field]) -> str:
        return ", ".join(f"v.{_q(f.column)}" for f in fields)

    def values(fields: list[models.Field], n: int, *, extra: tuple[str, ...] = ()) -> str:
        return ", ".join([_values_row(fields, extra=extra)] * n)

    cart_items, carts = _q(CartItem._meta.db_table), _q(Cart._meta.db_table)
    payment_fk = _q(PaymentAllocation._meta.get_field("payment").column)
    order_payment_fk = _q(Order._meta.get_field("payment").column)
    order_fk = _q(OrderLine._meta.get_field("order").column)
    event_order_fk = _q(OrderEvent._meta.get_field("order").column)
    number, data = _q(Order._meta.get_field("number").column), _q(OrderEvent._meta.get_field("data").column)
    sku_fk = _q(OrderLine._meta.get_field("sku").column)
    reference = _q(PaymentAllocation._meta.get_field("reference").column)
    # Identifiers from the models' metadata only; every value is a parameter (hence the S608 noqas).
    return (
        f"WITH p AS (INSERT INTO {_q(Payment._meta.db_table)} ({names(payment)}) "  # noqa: S608
        f"VALUES {values(payment, 1)} RETURNING id), "
        f"a AS (INSERT INTO {_q(PaymentAllocation._meta.db_table)} ({payment_fk}, {names(allocation)}) "
        f"SELECT p.id, {aliases(allocation)} FROM p, (VALUES {values(allocation, n_orders)}) "
        f"AS v({names(allocation)}) RETURNING id, {reference}), "
        f"o AS (INSERT INTO {_q(Order._meta.db_table)} ({order_payment_fk}, {names(order)}) "
        f"SELECT p.id, {aliases(order)} FROM p, (VALUES {values(order, n_orders)}) "
        f"AS v({names(order)}) RETURNING id, {number}), "
        f"l AS (INSERT INTO {_q(OrderLine._meta.db_table)} ({order_fk}, {names(line)}) "
        f"SELECT o.id, {aliases(line)} FROM (VALUES {values(line, n_lines, extra=('varchar',))}) "
        f"AS v(_number, {names(line)}) JOIN o ON o.{number} = v._number RETURNING id, {order_fk}, {sku_fk}), "
        f"e AS (INSERT INTO {_q(OrderEvent._meta.db_table)} ({event_order_fk}, {data}, {names(event)}) "
        f"SELECT o.id, jsonb_build_object('payment', p.id) || v._data, {aliases(event)} "
        f"FROM p, (VALUES {values(event, n_orders, extra=('varchar', 'jsonb'))}) "
        f"AS v(_number, _data, {names(event)}) JOIN o ON o.{number} = v._number RETURNING id, {event_order_fk}), "
        f"c AS (DELETE FROM {cart_items} WHERE {_q('cart_id')} IN "
        f"(SELECT id FROM {carts} WHERE {_q('user_id')} = %s) AND {_q('sku_id')} = ANY(%s::bigint[])) "
        "SELECT 'p', id, NULL::text, NULL::bigint FROM p "
        f"UNION ALL SELECT 'a', id, {reference}, NULL FROM a "
        f"UNION ALL SELECT 'o', id, {number}, NULL FROM o "
        f"UNION ALL SELECT 'l', id, {order_fk}::text, {sku_fk} FROM l "
        f"UNION ALL SELECT 'e', id, {event_order_fk}::text, NULL FROM e"
    )


def checkout_rows_insert_sql(rows: CheckoutRows) -> None:
    payment_f, allocation_f, order_f, line_f, event_f = _shapes()
    json_f = OrderEvent._meta.get_field("data")
    params: list = _params(rows.payment, payment_f)
    for allocation in rows.allocations:
        params += _params(allocation, allocation_f)
    for order in rows.orders:
        params += _params(order, order_f)
    for line in rows.lines:
        params += [line.order.number, *_params(line, line_f)]
    for event in rows.events:
        params += [event.order.number, json_f.get_db_prep_save(event.data, connection), *_params(event, event_f)]
    params += [rows.buyer_id, list(rows.cart_sku_ids)]
    with connection.cursor() as cursor:
        cursor.execute(_statement(len(rows.orders), len(rows.lines)), params)
        returned = cursor.fetchall()

    ids: dict[str, dict] = {"a": {}, "o": {}, "l": {}, "e": {}}
    payment_id = None
    for kind, pk, key, sku_id in returned:
        if kind == "p":
            payment_id = pk
        elif kind == "l":
            ids["l"][(int(key), sku_id)] = pk
        else:
            ids[kind][key] = pk
    _saved(rows.payment, payment_id)
    for allocation in rows.allocations:
        allocation.payment_id = payment_id
        _saved(allocation, ids["a"][allocation.reference])
    for order in rows.orders:
        order.payment_id = payment_id
        _saved(order, ids["o"][order.number])
    for line in rows.lines:
        line.order_id = line.order.pk
        _saved(line, ids["l"][(line.order_id, line.sku_id)])
    for event in rows.events:
        event.order_id = event.order.pk
        event.data = {"payment": payment_id, **event.data}
        _saved(event, ids["e"][str(event.order_id)])


def _saved(obj: models.Model, pk: int) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
