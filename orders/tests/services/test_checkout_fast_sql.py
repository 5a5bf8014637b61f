"""The checkout's one-statement insert (checkout_fast_sql) against its plain-ORM definition, on the same data."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection, connections, models
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from orders.models import CartItem, Order, OrderEvent, OrderLine
from orders.services import checkout as checkout_module
from orders.services.cart import cart_item_add
from orders.services.checkout import checkout_place
from orders.services.checkout_fast_sql import (
    _converters,
    _json_value,
    _shapes,
    checkout_rows_insert_orm,
    checkout_rows_insert_sql,
)
from payments.models import Payment, PaymentAllocation
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
_IDS = {"id", "payment_id", "order_id", "number", "reference", "created_at", "updated_at"}


def _rows(result) -> dict:
    """Everything the checkout wrote, ids and generated numbers replaced by their place in the checkout."""
    payment = Payment.objects.get(pk=result.payment.pk)
    orders = list(Order.objects.filter(payment=payment).order_by("shop_id"))
    place = {order.pk: i for i, order in enumerate(orders)}

    def row(obj, **known) -> dict:
        columns = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        return {k: v for k, v in columns.items() if k not in _IDS} | known

    return {
        "payment": row(payment, reference_count=len(payment.reference.split())),
        "allocations": sorted(
            (row(a, order=[o.number for o in orders].index(a.reference)) for a in payment.allocations.all()),
            key=lambda r: r["order"],
        ),
        "orders": [row(o, payment_ok=o.payment_id == payment.pk) for o in orders],
        "lines": sorted(
            (row(line, order=place[line.order_id]) for line in OrderLine.objects.filter(order__in=orders)),
            key=lambda r: (r["order"], r["sku_id"]),
        ),
        "events": sorted(
            (
                row(event, order=place[event.order_id], data_payment_ok=event.data.pop("payment") == payment.pk)
                | {"data": event.data}
                for event in OrderEvent.objects.filter(order__in=orders)
            ),
            key=lambda r: r["order"],
        ),
    }


def test_the_one_statement_writes_what_the_orm_writes(monkeypatch):
    # given a buyer whose cart holds two shops' SKUs (three lines) and one more line kept for later
    buyer = UserFactory()
    farm, workshop = ShopFactory(), ShopFactory()
    radish, sausage = sku_in_shop(farm, price="28.00", stock=50), sku_in_shop(farm, price="68.50", stock=50)
    stool, kept = sku_in_shop(workshop, price="89.00", stock=50), sku_in_shop(workshop, price="1.00", stock=50)
    items = [{"sku": radish.pk, "quantity": 2}, {"sku": sausage.pk, "quantity": 1}, {"sku": stool.pk, "quantity": 3}]

    def checkout_with(insert):
        for item in [*items, {"sku": kept.pk, "quantity": 1}]:
            cart_item_add(user=buyer, sku_id=item["sku"], quantity=item["quantity"])
        monkeypatch.setattr(checkout_module, "checkout_rows_insert", insert)
        with CaptureQueriesContext(connection) as queries:
            result = checkout_place(buyer=buyer, address=ADDRESS, items=items, now=NOW)
        cart = sorted(CartItem.objects.filter(cart__user=buyer).values_list("sku_id", "quantity"))
        CartItem.objects.filter(cart__user=buyer).delete()
        return result, queries, cart

    # when the same checkout is placed through each
    by_orm, orm_queries, orm_cart = checkout_with(checkout_rows_insert_orm)
    by_sql, sql_queries, sql_cart = checkout_with(checkout_rows_insert_sql)

    # then the rows are the same but for ids, numbers and times of writing
    assert _rows(by_sql) == _rows(by_orm)
    assert sql_cart == orm_cart == [(kept.pk, 1)]
    # and so are the objects the checkout answers with (saved, with their ids and parents' ids)
    for result in (by_orm, by_sql):
        assert not result.payment._state.adding and all(not o._state.adding for o in result.orders)
        for order in result.orders:
            assert order.payment_id == result.payment.pk
            assert [line.order_id for line in result.lines[order.pk]] == [order.pk] * len(result.lines[order.pk])
            assert {line.pk for line in result.lines[order.pk]} == set(
                OrderLine.objects.filter(order=order).values_list("pk", flat=True)
            )
        assert {a.payment_id for a in PaymentAllocation.objects.filter(payment=result.payment)} == {result.payment.pk}
    # in one statement instead of six
    assert len(sql_queries) == len(orm_queries) - 5


def _sample_values(field) -> list:
    """Values a checkout gives the field, the plain ones and others that must still go through its calls."""
    if isinstance(field, models.ForeignKey):
        return [7, None, "7"]
    if isinstance(field, models.DateTimeField):
        return [NOW, NOW.replace(tzinfo=None), None]
    if isinstance(field, models.DecimalField):
        return [Decimal("28.50"), Decimal("0"), Decimal("0.0005"), "3.10", 2, None]
    if isinstance(field, models.IntegerField):
        return [3, 0, None, "4", True]
    if isinstance(field, models.CharField):
        return ["腌萝卜", "", OrderEvent.Type.PLACED, gettext_lazy("Paid"), None]
    return [None]


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
def test_each_columns_value_is_what_the_fields_own_conversions_give():
    # given every column the statement sends, and values of plain and other types for each
    db = connections[connection.alias]
    compared = 0
    for shape, fields in enumerate(_shapes()):
        converters = dict(_converters(shape))
        for field in fields:
            for value in _sample_values(field):
                obj = field.model()
                setattr(obj, field.attname, value)
                # when the fast path converts it and the field's own pre_save + get_db_prep_save do
                fast = converters[field.column](obj, db)
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    assert fast is getattr(obj, field.attname)  # pre_save ran: the time it set is sent
                    continue
                own = field.get_db_prep_save(field.pre_save(obj, add=True), db)
                # then both give the same value, in the same JSON
                assert fast == own and json.dumps(fast, default=_json_value) == json.dumps(own, default=_json_value), (
                    field,
                    value,
                )
                compared += 1
    assert compared > 150
