"""The read replica (marketplace/db_router.py) against a real streaming replica of this machine's
PostgreSQL: anonymous catalogue reads come from it, signed-in people and a browser that just wrote read
the primary, and a replica that lags too far behind, or is down, is skipped."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.factories import UserFactory, make_product, token_for
from tests.topology.conftest import web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.standby]

MAX_LAG = 4.0


def get_json(url: str, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def send(url: str, method: str, payload: dict, headers: dict | None = None) -> tuple[int, list[str]]:
    """The status and the Set-Cookie headers."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Accept": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_all("Set-Cookie") or []


def stock_seen(server, product_id: int, headers: dict | None = None) -> int:
    return get_json(f"{server.url}/api/v1/products/{product_id}/", headers)["skus"][0]["stock"]


def test_catalogue_reads_go_to_the_replica_unless_signed_in_just_written_or_lagging(streaming_replica, tmp_path):
    db = connection.settings_dict
    replica_url = f"postgres://postgres@127.0.0.1:{streaming_replica.port}/{db['NAME']}"
    with streaming_replica.connect() as replica:
        assert replica.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()[0] == "streaming"

    # given a product with 10 in stock, on the primary and (once replayed) on the replica
    product = make_product(skus=(("500 g 罐装", "28.00", 10),))
    sku = product.skus.get()
    seller = {"Authorization": f"Token {token_for(product.shop.owner)}"}
    env = {
        "DATABASE_REPLICA_URLS": replica_url,
        "DATABASE_REPLICA_MAX_LAG": str(MAX_LAG),
        "REPLICA_CHECK_SECONDS": "0",
    }
    with web_server(tmp_path, env) as server:
        assert stock_seen(server, product.pk) == 10
        # the replica stops replaying just after a fresh commit (its lag is counted from its last replay)
        UserFactory()
        streaming_replica.caught_up()
        streaming_replica.replay_pause()
        paused_at = time.monotonic()
        try:
            # when the seller sets the stock to 3 (a write: the primary)
            status, _cookies = send(f"{server.url}/api/v1/seller/skus/{sku.pk}/", "PATCH", {"stock": 3}, seller)
            assert status == 200
            assert time.monotonic() - paused_at < MAX_LAG - 1, "too slow to see the replica within its lag"

            # then an anonymous visitor still reads the replica, which has not replayed the edit
            assert stock_seen(server, product.pk) == 10
            # the seller, signed in, reads the primary: their edit at once
            assert stock_seen(server, product.pk, seller) == 3
            # a browser that has just written (any unsafe request) is pinned to the primary for a while
            _status, cookies = send(f"{server.url}/api/v1/auth/token/", "POST", {"username": "x", "password": "y"})
            pin = next(c.split(";")[0] for c in cookies if c.startswith("mk_primary="))
            assert stock_seen(server, product.pk, {"Cookie": pin}) == 3

            # and once the replica is further behind than DATABASE_REPLICA_MAX_LAG, nobody reads it
            time.sleep(max(0.0, MAX_LAG + 0.5 - (time.monotonic() - paused_at)))
            assert stock_seen(server, product.pk) == 3
        finally:
            streaming_replica.replay_resume()

        # caught up again, the replica serves anonymous reads with the edit
        streaming_replica.caught_up()
        assert stock_seen(server, product.pk) == 3

        # a replica that is down is skipped: anonymous visitors read the primary, nobody sees an error
        streaming_replica.stop()
        assert stock_seen(server, product.pk) == 3
