"""Issue 17 item 6, on PostgreSQL with real threads: a checkout waits a bounded time for a locked row
(with or without an Idempotency-Key) and then answers a documented 409 `busy` with Retry-After, never a
500; a lost database connection is a 503 `unavailable` with Retry-After, never "in flight"."""

import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from rest_framework.test import APIClient

from catalog.models import Sku
from orders.models import IdempotencyKey, Order
from tests.factories import ADDRESS, SkuFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
HOLD_SECONDS = 3.0


def hold_row_lock(sku_id: int, locked: threading.Event, release: threading.Event) -> threading.Thread:
    """Another transaction holds the SKU's row (a flash sale's hot row) until released."""

    def run():
        try:
            with transaction.atomic():
                Sku.objects.select_for_update().get(pk=sku_id)
                locked.set()
                release.wait(HOLD_SECONDS)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("idempotency_key", [None, "k-busy"], ids=["no-key", "with-key"])
def test_a_row_locked_past_the_wait_answers_409_busy_with_retry_after_and_writes_nothing(idempotency_key, settings):
    settings.CHECKOUT_LOCK_WAIT_MS = 300
    sku = SkuFactory(stock=5)
    buyer = APIClient()
    buyer.force_authenticate(UserFactory())
    locked, release = threading.Event(), threading.Event()
    holder = hold_row_lock(sku.pk, locked, release)
    assert locked.wait(5)
    try:
        headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
        answer = buyer.post(
            "/api/v1/checkout/",
            {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]},
            format="json",
            **headers,
        )
    finally:
        release.set()
        holder.join()

    assert answer.status_code == 409, answer.content
    assert answer.json()["error"]["code"] == "busy" and answer.json()["error"]["message"]
    assert int(answer["Retry-After"]) >= 1
    assert not Order.objects.exists() and not IdempotencyKey.objects.exists()
    sku.refresh_from_db()
    assert sku.stock == 5


def kill_this_connection() -> None:
    """Ends this thread's PostgreSQL session from another connection, as a database restart would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    db = settings.DATABASES["default"]
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "autocommit": True}
    with psycopg.connect(dbname=connection.settings_dict["NAME"], **params) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_lost_connection_on_any_api_call_is_503_with_retry_after_not_500():
    buyer = APIClient()
    buyer.force_authenticate(UserFactory())
    kill_this_connection()

    answer = buyer.get("/api/v1/orders/")
    connection.close()

    assert answer.status_code == 503 and answer.json()["error"]["code"] == "unavailable"
    assert int(answer["Retry-After"]) >= 1


def test_a_lost_database_connection_is_503_with_retry_after_not_in_flight():
    sku = SkuFactory(stock=5)
    buyer = APIClient()
    buyer.force_authenticate(UserFactory())
    kill_this_connection()

    answer = buyer.post(
        "/api/v1/checkout/",
        {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-lost",
    )
    connection.close()  # the test client keeps the dead connection; the next query reconnects

    assert answer.status_code == 503, answer.content
    assert answer.json()["error"]["code"] == "unavailable" and int(answer["Retry-After"]) >= 1
    assert not Order.objects.exists()


def test_a_twin_still_holding_the_key_past_the_wait_answers_409_in_flight_without_waiting_for_it(settings):
    # given a twin request's transaction that has claimed the key and is still working
    settings.CHECKOUT_LOCK_WAIT_MS = 300
    sku, user = SkuFactory(stock=5), UserFactory()
    locked, release = threading.Event(), threading.Event()

    def twin():
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(user=user, key="k-twin", request_hash="twin")
                locked.set()
                release.wait(HOLD_SECONDS)
        finally:
            connection.close()

    holder = threading.Thread(target=twin)
    holder.start()
    assert locked.wait(5)
    buyer = APIClient()
    buyer.force_authenticate(user)
    try:
        # when the same key comes again (the claim sets the lock timeout in its own statement)
        started = time.monotonic()
        answer = buyer.post(
            "/api/v1/checkout/",
            {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]},
            format="json",
            HTTP_IDEMPOTENCY_KEY="k-twin",
        )
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join()

    # then it waited about the bound, not for the twin, and wrote nothing
    assert answer.status_code == 409, answer.content
    assert answer.json()["error"]["code"] == "idempotency_key_in_flight" and waited < HOLD_SECONDS - 1
    assert not Order.objects.exists()
    sku.refresh_from_db()
    assert sku.stock == 5
