"""The provider → us notification endpoint, driven through the real URL with raw signed bodies."""

import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from orders.tests.helpers import place
from payments.models import LedgerEntry, Payment, ProviderEvent
from payments.providers.sandbox import SandboxProvider, signature_header
from tests.factories import SkuFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/notify/sandbox/"


@pytest.fixture
def payment():
    order = place(UserFactory(), {SkuFactory(price=Decimal("28.00")): 2})[0]
    return Payment.objects.get(pk=order.payment_id)


def send(api_client, body: bytes, header: str):
    return api_client.post(URL, data=body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=header)


def event_body(payment, **changes) -> bytes:
    event = {
        "event_id": "evt_1",
        "type": "payment.succeeded",
        "payment_id": payment.pk,
        "amount": "56.00",
        "currency": "CNY",
        "created": int(time.time()),
        **changes,
    }
    return json.dumps(event).encode()


def nothing_written(payment) -> bool:
    payment.refresh_from_db()
    return (
        payment.status == Payment.Status.PENDING
        and not ProviderEvent.objects.exists()
        and not LedgerEntry.objects.exists()
        and not Order.objects.filter(payment=payment).exclude(status="pending_payment").exists()
    )


def test_the_url_is_the_documented_one():
    assert reverse("api:payment-notify-sandbox") == URL


def test_a_correctly_signed_notification_pays_the_orders(api_client, settings, payment):
    body = event_body(payment)
    header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))

    response = send(api_client, body, header)

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert set(Order.objects.filter(payment=payment).values_list("status", flat=True)) == {"paid"}


def test_a_forged_signature_changes_nothing(api_client, payment):
    body = event_body(payment)
    for header in [
        "",
        "t=1",
        f"t={int(time.time())},v1=deadbeef",
        signature_header(body=body, secret="not-the-secret", timestamp=int(time.time())),
    ]:
        response = send(api_client, body, header)
        assert response.status_code == 400, header
        assert response.json()["error"]["code"] == "invalid_signature"
    assert nothing_written(payment)


def test_a_body_changed_after_signing_changes_nothing(api_client, settings, payment):
    body = event_body(payment)
    header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))
    tampered = body.replace(b'"56.00"', b'"56.00" ')

    assert send(api_client, tampered, header).status_code == 400
    assert nothing_written(payment)


# Past the 300 s tolerance by more than the seconds the test itself may take (with 301 a second boundary
# crossed between signing and checking made a future timestamp exactly 300 s ahead: accepted)
@pytest.mark.parametrize("age", [305, -305, 3600])
def test_a_stale_notification_changes_nothing(api_client, settings, payment, age):
    t = int(time.time()) - age
    body = event_body(payment, created=t)
    response = send(api_client, body, signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=t))

    assert response.status_code == 400
    assert nothing_written(payment)


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": "0.01"},
        {"amount": "56.01"},
        {"currency": "USD"},
        {"payment_id": 2**62},
        {"type": "payment.exploded"},
        {"amount": "NaN"},
    ],
)
def test_a_wrong_amount_currency_or_payment_changes_nothing(api_client, settings, payment, changes):
    body = event_body(payment, **changes)
    header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))

    response = send(api_client, body, header)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "notification_rejected"
    assert nothing_written(payment)


def test_a_replayed_event_is_a_no_op(api_client, settings, payment):
    body = event_body(payment)
    header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))
    assert send(api_client, body, header).status_code == 200
    entries = LedgerEntry.objects.count()

    again = send(api_client, body, header)

    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert ProviderEvent.objects.count() == 1 and LedgerEntry.objects.count() == entries
    # a new event id for an already-paid payment is recorded and changes nothing either
    second = event_body(payment, event_id="evt_2")
    response = send(
        api_client,
        second,
        signature_header(body=second, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time())),
    )
    assert response.status_code == 200 and LedgerEntry.objects.count() == entries


def test_garbage_is_a_clean_400(api_client, settings):
    for body in [b"", b"not json", b"[]", b'{"event_id": 1}']:
        header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))
        assert send(api_client, body, header).status_code == 400


def test_sandbox_pay_through_the_api(api_client, payment):
    api_client.force_authenticate(payment.buyer)
    other = UserFactory()

    api_client.force_authenticate(other)
    assert api_client.post(f"/api/v1/payments/{payment.pk}/sandbox-pay/").status_code == 404
    api_client.force_authenticate(payment.buyer)
    response = api_client.post(f"/api/v1/payments/{payment.pk}/sandbox-pay/")

    assert response.status_code == 200 and response.json()["status"] == "succeeded"
    assert api_client.post(f"/api/v1/payments/{payment.pk}/sandbox-pay/").status_code == 409
    assert SandboxProvider().pay_url(payment) == f"/pay/sandbox/{payment.pk}/"
