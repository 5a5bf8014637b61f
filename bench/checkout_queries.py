"""B5 checkout query count: a cart with 3 shops × 3 lines checked out through POST /api/v1/checkout/.

Runs in-process against its own database (bench_checkout) with Django's CaptureQueriesContext around the
real API call (DRF test client, token auth, Idempotency-Key). Target: ≤ 20 queries, no statement run twice
with the same parameters. Statements are counted as Django counts them (BEGIN, SAVEPOINT, RELEASE and COMMIT
included, like `django_assert_max_num_queries`); the split is reported. A miss prints MISSED (a target,
not a correctness failure: with --strict it fails the command). Also measured for comparison: the same
9 lines as "buy now" (`items`), and a
1 × 1 cart (the count must not grow with the lines).

    python -m bench.checkout_queries [--strict]
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections import Counter

from bench import common as c

DB = "bench_checkout"
MAX_QUERIES = 20
ADDRESS = {"name": "压测买家", "phone": "13800000000", "province": "湖南", "city": "长沙", "line": "岳麓区 1 号"}
_SAVEPOINT = re.compile(r'"s\d+_x\d+"')


def _normalise(sql: str) -> str:
    """Savepoint names differ per call by design; everything else must not repeat."""
    return _SAVEPOINT.sub('"sp"', sql)


def measure(client, *, body: dict, cart: list[tuple[int, int]] | None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for sku, quantity in cart or []:
        response = client.post("/api/v1/cart/items/", {"sku": sku, "quantity": quantity}, format="json")
        assert response.status_code == 201, response.content
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    if response.status_code != 201:
        raise SystemExit(f"checkout answered {response.status_code}: {response.content[:500]!r}")
    statements = [q["sql"] for q in captured.captured_queries]
    control = [s for s in statements if re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", s)]
    counts = Counter(_normalise(s) for s in statements if s not in control)
    duplicates = {sql[:200]: n for sql, n in counts.items() if n > 1}
    return {
        "queries": len(statements),
        "transaction_control": len(control),
        "data_queries": len(statements) - len(control),
        "duplicates": duplicates,
        "orders": len(response.json()["orders"]),
        "statements": [s[:300] for s in statements],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="(the same: this benchmark is quick)")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    c.migrate_fresh(DB)
    c.redis_flush()
    c.django_setup(DB)
    from rest_framework.test import APIClient

    from bench import fixtures

    owners = fixtures.users_create("b5-seller-", 3)
    shops = fixtures.shops_create(owners, prefix="b5")
    skus = [sku for shop in shops for sku in fixtures.products_create(shop, n=3, stock=1000, price="12.50")]
    buyer = fixtures.users_create("b5-buyer-", 1)[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {buyer.bench_token}")

    measure(client, body={"address": ADDRESS, "items": [{"sku": skus[0].pk, "quantity": 1}]}, cart=None)  # warm
    cart_9 = measure(client, body={"address": ADDRESS}, cart=[(s.pk, 2) for s in skus])
    buy_now_9 = measure(
        client, body={"address": ADDRESS, "items": [{"sku": s.pk, "quantity": 1} for s in skus]}, cart=None
    )
    cart_1 = measure(client, body={"address": ADDRESS}, cart=[(skus[0].pk, 1)])
    results = {"cart_3x3": cart_9, "buy_now_3x3": buy_now_9, "cart_1x1": cart_1}
    c.log(
        f"B5 queries: cart 3×3 {cart_9['queries']} ({cart_9['transaction_control']} transaction control), "
        f"buy-now 3×3 {buy_now_9['queries']}, cart 1×1 {cart_1['queries']}"
    )
    checks = [
        c.Check(
            "B5",
            "cart 3 shops × 3 lines: queries",
            cart_9["queries"],
            f"<= {MAX_QUERIES}",
            cart_9["queries"] <= MAX_QUERIES,
            kind="target",
        ),
        c.Check(
            "B5",
            "cart 3 × 3: duplicate statements",
            len(cart_9["duplicates"]),
            "= 0",
            not cart_9["duplicates"],
            kind="target",
            note=str(cart_9["duplicates"]) if cart_9["duplicates"] else "",
        ),
        c.Check(
            "B5",
            "buy-now 3 × 3: queries",
            buy_now_9["queries"],
            f"<= {MAX_QUERIES}",
            buy_now_9["queries"] <= MAX_QUERIES and not buy_now_9["duplicates"],
            kind="target",
        ),
        # one SKU skips the row-lock SELECT (catalog.services.stock_reserve), so 1 × 1 may be one fewer
        c.Check(
            "B5",
            "queries 3 × 3 minus 1 × 1 (no growth with lines)",
            cart_9["queries"] - cart_1["queries"],
            "<= 1",
            cart_9["queries"] - cart_1["queries"] <= 1,
            kind="target",
        ),
    ]
    c.section_write("checkout_queries", results, checks)
    return c.exit_code(checks, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
