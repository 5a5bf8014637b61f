"""A buy-now's look at the stock gate (catalog.stock_gate) before the checkout's transaction opens.

Once PostgreSQL has answered that a SKU is sold out, a flash sale's late buyers are refused from Redis: no
transaction, no idempotency claim, no read of the hot row (bench B1). The checkout itself is unchanged:
whatever it answers "sold out" from PostgreSQL (its read of the SKUs, or the conditional UPDATE) closes the
gate on the way out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from catalog.stock_gate import GateCounter, StockGatePass, stock_gate
from common.errors import ValidationFailed
from common.idempotency import idempotency_key_used
from orders.models import IdempotencyKey
from orders.services.checkout import checkout_items_parse


@contextlib.contextmanager
def checkout_stock_gate(
    *, buyer, data: Any, idempotency_key: str | None, counter: GateCounter | None = None
) -> Iterator[StockGatePass | None]:
    """Around one checkout request (its raw body `data`). A cart checkout, or items the checkout will
    refuse as invalid, pass untouched (None). A retry under an Idempotency-Key the buyer already used goes
    through, so its first answer is replayed (or its twin waited for) as without the gate. `counter`: the
    checkout's rate limit, counted in the gate's round trip when the gate lets the buyer through (the
    pass's `hits`; None when it was not counted there)."""
    items = data.get("items") if isinstance(data, dict) else None
    try:
        wanted = checkout_items_parse(items) if items is not None else None
    except ValidationFailed:  # the checkout answers it, in its usual order
        wanted = None
    if not wanted:
        yield None
        return

    def answered_before() -> bool:
        return idempotency_key_used(store=IdempotencyKey, user_id=buyer.pk, key=idempotency_key)

    with stock_gate(
        items=wanted, answered_before=answered_before if idempotency_key else None, counter=counter
    ) as gate_pass:
        yield gate_pass
