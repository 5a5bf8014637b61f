"""FAST PATH (bench B1, bench/RESULTS.md): a checkout's rows in ONE statement on PostgreSQL.

The payment and its allocations (built by `payments.services.payment_prepare`, as `payment_create` would
save them), the orders, their lines and their "placed" events are inserted by one statement of
data-modifying CTEs, which also removes what was bought from the buyer's cart: one round trip instead of
six, and none of the ORM's insert compilation (bench B1's profile: the five ORM inserts were ~30 % of a
checkout's CPU, and each a round trip to a busy PostgreSQL). Each table's rows travel as one JSON array
read back through the table's own row type, so the statement's text is one for every checkout (seven
parameters, prepared once per connection; a VALUES list with a parameter per value was ~70 parameters,
a text per shape, and past psycopg's query cache: re-parsed on every checkout, 7 % of its CPU in cProfile).

`checkout_rows_insert_orm` beside it is the plain-ORM definition of what the statement must write (and
what other databases run); orders/tests/services/test_checkout_fast_sql.py runs both on the same data and
compares the rows. Columns come from the models' fields, and every value goes through the field's own
`pre_save` and `get_db_prep_save` (the ORM's conversions), then to JSON text its column type reads back
exactly (decimals and times as strings); only the rows inserted by the statement itself are joined in
SQL: the payment's id (allocations, orders, and the events' `data.payment`) and each order's id (lines,
events), matched by the order's unique number.

`buy_now_insert_sql` beside it writes a buy-now of one SKU in one statement with its stock taken and the
Idempotency-Key's answer (orders.services.checkout_one_statement): there every id was drawn ahead, so each
table's rows arrive whole and the statement joins nothing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from catalog.services import STOCK_TAKE_ONE_BOUNDED_SQL
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
    """The columns sent as values: every concrete column but the pk and those the statement joins."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in joined]


@functools.cache
def _shapes() -> tuple[list[models.Field], ...]:
    return (
        _fields(Payment, joined=()),
        _fields(PaymentAllocation, joined=("payment",)),
        _fields(Order, joined=("payment",)),
        _fields(OrderLine, joined=("order",)),
        _fields(OrderEvent, joined=("order", "data")),
    )


def _json_value(value: Any) -> Any:
    """A value prepared by its field, as JSON text that the column type's own input reads back exactly."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()  # with microseconds and offset (DjangoJSONEncoder would cut microseconds)
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _plain_types(field: models.Field) -> tuple[type, ...]:
    """The value types that the field's own `get_db_prep_save` on PostgreSQL hands back equal to what it got
    (and JSON writes the same), so `_record` may pass them on without the call: exact str for a CharField,
    int for an integer column or a foreign key to one, finite Decimal, aware datetime (checked in
    `_converter`). Only for the stock classes whose conversions were read (Django 5.2); any other field (a
    subclass overriding them, a JSONField, ...) keeps its own call for every value."""
    kind = type(field)
    if kind is models.ForeignKey:
        target = field.target_field
        return (int,) if isinstance(target, models.IntegerField) and _plain_types(target) else ()
    if kind in (models.CharField, models.TextField):
        return (str,)
    if kind in (
        models.IntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.AutoField,
        models.BigAutoField,
    ):
        return (int,)
    if kind is models.DecimalField:
        return (Decimal,)
    if kind is models.DateTimeField:
        return (datetime,)
    return ()


def _converter(field: models.Field) -> Callable[[models.Model, BaseDatabaseWrapper], Any]:
    """The field's value for the statement: its `pre_save(add=True)` then `get_db_prep_save` (the ORM's
    conversions); for a stock field with a value of a plain type (`_plain_types`), the same value without the
    calls (bench B1: ~60 conversions per checkout were ~6 % of its CPU). A JSONField's value is embedded as
    it is (the statement's parameter is JSON already)."""
    attname, plain = field.attname, _plain_types(field)
    reads = type(field).pre_save is models.Field.pre_save or (
        type(field) in (models.DateTimeField, models.DateField) and not (field.auto_now or field.auto_now_add)
    )
    if isinstance(field, models.JSONField):
        return lambda obj, db: field.pre_save(obj, add=True)

    def convert(obj: models.Model, db: BaseDatabaseWrapper) -> Any:
        value = getattr(obj, attname) if reads else field.pre_save(obj, add=True)
        if plain and (
            value is None
            or (
                type(value) in plain
                and (type(value) is not Decimal or value.is_finite())
                and (type(value) is not datetime or value.tzinfo is not None)
            )
        ):
            return value
        return field.get_db_prep_save(value, db)

    return convert


@functools.cache
def _converters(shape: int) -> tuple[tuple[str, Callable[[models.Model, BaseDatabaseWrapper], Any]], ...]:
    return tuple((f.column, _converter(f)) for f in _shapes()[shape])


def _record(obj: models.Model, shape: int, db: BaseDatabaseWrapper, **joined: Any) -> dict:
    """{column: value} for the `_shapes()[shape]` columns, each through `_converter`."""
    record = dict(joined)
    for column, convert in _converters(shape):
        record[column] = convert(obj, db)
    return record


@functools.cache
def _statement() -> str:
    """One statement for any number of orders and lines: each table's rows arrive as one JSON array, read
    back through the table's own row type (`jsonb_populate_record`), so the text (and its prepared plan) is
    the same for every checkout, with seven parameters."""
    payment, allocation, order, line, event = _shapes()

    def names(fields: list[models.Field]) -> str:
        return ", ".join(_q(f.column) for f in fields)

    def of(alias: str, fields: list[models.Field]) -> str:
        return ", ".join(f"{alias}.{_q(f.column)}" for f in fields)

    def rows(model: type[models.Model]) -> str:
        """Each element `x.j` of the next JSON parameter, read as a row `r` of the model's table."""
        return (
            "jsonb_array_elements(%s::jsonb) AS x(j) "
            f"CROSS JOIN LATERAL jsonb_populate_record(NULL::{_q(model._meta.db_table)}, x.j) AS r"
        )

    column = {
        "payment_fk": _q(PaymentAllocation._meta.get_field("payment").column),
        "order_payment_fk": _q(Order._meta.get_field("payment").column),
        "line_order_fk": _q(OrderLine._meta.get_field("order").column),
        "event_order_fk": _q(OrderEvent._meta.get_field("order").column),
        "number": _q(Order._meta.get_field("number").column),
        "data": _q(OrderEvent._meta.get_field("data").column),
        "sku_fk": _q(OrderLine._meta.get_field("sku").column),
        "reference": _q(PaymentAllocation._meta.get_field("reference").column),
    }
    c = column
    # Identifiers from the models' metadata only; every value is a parameter (hence the S608 noqas).
    return (
        f"WITH p AS (INSERT INTO {_q(Payment._meta.db_table)} ({names(payment)}) "  # noqa: S608
        f"SELECT {of('r', payment)} FROM {rows(Payment)} RETURNING id), "
        f"a AS (INSERT INTO {_q(PaymentAllocation._meta.db_table)} ({c['payment_fk']}, {names(allocation)}) "
        f"SELECT p.id, {of('r', allocation)} FROM p, {rows(PaymentAllocation)} RETURNING id, {c['reference']}), "
        f"o AS (INSERT INTO {_q(Order._meta.db_table)} ({c['order_payment_fk']}, {names(order)}) "
        f"SELECT p.id, {of('r', order)} FROM p, {rows(Order)} RETURNING id, {c['number']}), "
        f"l AS (INSERT INTO {_q(OrderLine._meta.db_table)} ({c['line_order_fk']}, {names(line)}) "
        f"SELECT o.id, {of('r', line)} FROM {rows(OrderLine)} JOIN o ON o.{c['number']} = x.j->>'_number' "
        f"RETURNING id, {c['line_order_fk']}, {c['sku_fk']}), "
        f"e AS (INSERT INTO {_q(OrderEvent._meta.db_table)} ({c['event_order_fk']}, {c['data']}, {names(event)}) "
        f"SELECT o.id, jsonb_build_object('payment', p.id) || (x.j->'_data'), {of('r', event)} "
        f"FROM p, {rows(OrderEvent)} JOIN o ON o.{c['number']} = x.j->>'_number' "
        f"RETURNING id, {c['event_order_fk']}), "
        f"c AS ({_cart_bought_sql()}) "
        "SELECT 'p', id, NULL::text, NULL::bigint FROM p "
        f"UNION ALL SELECT 'a', id, {c['reference']}, NULL FROM a "
        f"UNION ALL SELECT 'o', id, {c['number']}, NULL FROM o "
        f"UNION ALL SELECT 'l', id, {c['line_order_fk']}::text, {c['sku_fk']} FROM l "
        f"UNION ALL SELECT 'e', id, {c['event_order_fk']}::text, NULL FROM e"
    )


def _cart_bought_sql() -> str:
    """The buyer's cart lines of the SKUs bought, deleted (parameters: the buyer's id, the SKUs' ids)."""
    return (
        f"DELETE FROM {_q(CartItem._meta.db_table)} WHERE {_q('cart_id')} IN "  # noqa: S608 (identifiers only)
        f"(SELECT id FROM {_q(Cart._meta.db_table)} WHERE {_q('user_id')} = %s) AND {_q('sku_id')} = ANY(%s)"
    )


def _as_json(records: list[dict]) -> str:
    return json.dumps(records, default=_json_value, separators=(",", ":"))


def checkout_rows_insert_sql(rows: CheckoutRows) -> None:
    db = connections[connection.alias]  # the wrapper itself: each field asks it for `ops` (the proxy costs a lookup)

    as_json = _as_json
    params = [
        as_json([_record(rows.payment, 0, db)]),
        as_json([_record(a, 1, db) for a in rows.allocations]),
        as_json([_record(o, 2, db) for o in rows.orders]),
        as_json([_record(line, 3, db, _number=line.order.number) for line in rows.lines]),
        as_json([_record(e, 4, db, _number=e.order.number, _data=e.data) for e in rows.events]),
        rows.buyer_id,
        list(rows.cart_sku_ids),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_statement(), params)
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


# --- a buy-now in one statement (orders.services.checkout_one_statement) --------------------------------

# Every row's id is drawn ahead, with the SKU read (`ids_reserved_sql`): the answer stored with the key in
# the same statement shows the payment's and the lines' ids, and the announced events need theirs.
RESERVED = (Payment, PaymentAllocation, Order, OrderLine, OrderEvent)


@functools.cache
def ids_reserved_sql() -> tuple[str, ...]:
    """One expression per RESERVED model, in that order: the next id of its table's sequence."""
    return tuple(
        f"nextval(pg_get_serial_sequence('{_q(model._meta.db_table)}', '{model._meta.pk.column}'))"
        for model in RESERVED
    )


@functools.cache
def _whole_row(model: type[models.Model]) -> tuple[tuple[str, Callable[[models.Model, BaseDatabaseWrapper], Any]], ...]:
    """(column, converter) for every concrete column; the pk only where it was reserved."""
    return tuple(
        (f.column, _converter(f)) for f in model._meta.concrete_fields if model in RESERVED or not f.primary_key
    )


@functools.cache
def _one_statement(store: type[models.Model]) -> str:
    """The SKU's stock taken (catalog's STOCK_TAKE_ONE_BOUNDED_SQL), then, only if it was: the key's row with
    its answer, the payment, its allocation, the order, its line, its event — each table's rows one JSON
    array read through its row type — and the cart's line deleted. In autocommit, one statement is one
    transaction: all of it, or none. It returns what the stock UPDATE returns."""

    def insert(alias: str, model: type[models.Model]) -> str:
        table, columns = _q(model._meta.db_table), [_q(column) for column, _convert in _whole_row(model)]
        return (
            f"{alias} AS (INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (identifiers only)
            f"SELECT {', '.join(f'r.{c}' for c in columns)} "
            f"FROM taken, jsonb_populate_recordset(NULL::{table}, %s::jsonb) AS r)"
        )

    written = [
        ("k", store),
        ("p", Payment),
        ("a", PaymentAllocation),
        ("o", Order),
        ("l", OrderLine),
        ("e", OrderEvent),
    ]
    inserts = ", ".join(insert(alias, model) for alias, model in written)
    cart = f"{_cart_bought_sql()} AND EXISTS (SELECT FROM taken)"
    # Identifiers from the models' metadata and catalog's statement only; every value is a parameter.
    return f"WITH taken AS ({STOCK_TAKE_ONE_BOUNDED_SQL}), {inserts}, c AS ({cart}) SELECT * FROM taken"  # noqa: S608


def buy_now_insert_sql(
    rows: CheckoutRows, *, store: type[models.Model], key_row: models.Model | None, lock_wait_ms: int
) -> list[tuple]:
    """Runs `_one_statement` for a buy-now of one SKU (`rows.lines[0]`) whose rows have their reserved ids,
    and the key's row (`key_row`, unsaved, with its answer; None without a key). Returns the stock UPDATE's
    rows: none when the SKU was short or off sale (then nothing was written)."""
    db = connections[connection.alias]
    (line,) = rows.lines

    def records(objs: list[models.Model]) -> str:
        return _as_json([{column: convert(obj, db) for column, convert in _whole_row(type(obj))} for obj in objs])

    params = [
        line.sku_id,
        line.quantity,
        str(int(lock_wait_ms)),
        records([key_row] if key_row is not None else []),
        records([rows.payment]),
        records(rows.allocations),
        records(rows.orders),
        records(rows.lines),
        records(rows.events),
        rows.buyer_id,
        list(rows.cart_sku_ids),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_one_statement(store), params)
        return cursor.fetchall()


def buy_now_rows_saved(rows: CheckoutRows) -> None:
    """After the statement: each object as the ORM leaves a saved one."""
    for obj in (rows.payment, *rows.allocations, *rows.orders, *rows.lines, *rows.events):
        _saved(obj, obj.pk)
