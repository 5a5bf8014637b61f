"""Experiment (B1), not a fix: what if checkout reserved stock LAST in its transaction?

`checkout_place` runs the conditional stock UPDATE early, then ~8 more statements (payment, orders,
lines, events, cart, idempotency answer) while it holds the hot row's lock. This monkeypatch, loaded
only when BENCH_EXPERIMENT=late_reserve (bench/bare_asgi.py), defers that UPDATE to just before the
answer is stored, so the lock is held for one UPDATE, one small UPDATE and the COMMIT. The real change
belongs in orders/services/checkout.py (move `stock_reserve(items=wanted)` below the inserts); this
only measures its effect in bench/RESULTS.md. An out-of-stock still rolls everything back (409).
"""

from __future__ import annotations

import contextvars

_pending: contextvars.ContextVar[dict | None] = contextvars.ContextVar("late_reserve", default=None)


def install() -> None:
    from catalog import services as catalog_services
    from orders import serializers
    from orders.services import checkout

    real_reserve = catalog_services.stock_reserve
    real_present = serializers.checkout_data

    def deferred_reserve(*, items):
        _pending.set(dict(items))

    def present_after_reserve(result):
        items = _pending.get()
        if items:
            _pending.set(None)
            real_reserve(items=items)
        return real_present(result)

    checkout.stock_reserve = deferred_reserve
    serializers.checkout_data = present_after_reserve
