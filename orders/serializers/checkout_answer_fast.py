"""FAST PATH (bench B1, bench/RESULTS.md): a checkout's answer as plain values, without DRF's fields.

`CheckoutOut` (orders.serializers.orders) is the answer's definition and what the schema documents; going
through its ~30 nested fields cost ~5 % of a buy-now's CPU (DRF's to_representation: a get_attribute and a
to_representation call per field and value). This builds the same dict, key for key and in the same order,
from the same attributes. orders/tests/api/test_checkout_answer_fast.py answers the same checkouts through
both and compares the JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.money import CURRENCY, money_str

if TYPE_CHECKING:
    from orders.models import OrderLine
    from orders.services.checkout import CheckoutResult


def _line(line: OrderLine) -> dict:
    return {
        "id": int(line.pk),
        "sku": {"id": int(line.sku_id), "name": str(line.sku_name)},
        "product": {"id": int(line.product_id), "title": str(line.product_title)},
        "quantity": int(line.quantity),
        "unit_price": money_str(line.unit_price),
        "subtotal": money_str(line.subtotal),
    }


def checkout_answer_fast(result: CheckoutResult) -> dict:
    """`CheckoutOut(result).data`, as plain values (enums as their values, amounts as "28.00")."""
    payment = result.payment
    return {
        "orders": [
            {
                "number": str(order.number),
                "shop": {"slug": str(order.shop.slug), "name": str(order.shop.name)},
                "status": str(order.status),
                "total": money_str(order.total),
                "currency": getattr(order, "currency", CURRENCY),
                "lines": [_line(line) for line in result.lines.get(order.pk, [])],
            }
            for order in result.orders
        ],
        "payment": {
            "id": int(payment.pk),
            "amount": money_str(payment.amount),
            "currency": str(payment.currency),
            "status": str(payment.status),
            "pay_url": str(result.pay_url),
        },
    }
