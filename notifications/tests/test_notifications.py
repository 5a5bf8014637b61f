import asyncio
import json

import pytest
import websockets
import websockets.exceptions  # a submodule: not an attribute until imported (websockets 14+)
from django.core import mail

from notifications.models import Notification
from notifications.services import notify, preference_set, unsubscribe_token
from notifications.tasks import notification_email_task, notify_task
from shops.services import shop_approve, shop_suspend
from tests.factories import ShopFactory, UserFactory, token_for

pytestmark = pytest.mark.django_db

EVENT = {
    "kind": "order_shipped",
    "key": "order:20261121001:shipped",
    "message": "order_shipped",
    "params": {"number": "20261121001", "carrier": "顺丰", "tracking": "SF100"},
    "url": "/orders/20261121001/",
}


def test_an_event_is_shown_once_and_emailed_once_even_when_its_tasks_run_twice(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify_task.delay(user_id=user.id, **EVENT)
    with django_capture_on_commit_callbacks(execute=True):
        notify_task.delay(user_id=user.id, **EVENT)  # the broker redelivered it
    assert Notification.objects.filter(user=user).count() == 1
    notification_email_task.delay(Notification.objects.get().id)  # and the e-mail task ran again
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "你的订单 20261121001 已发货：顺丰 SF100" in message.body  # in the recipient's language
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_in_app_only_preference_sends_no_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    preference_set(user_id=user.id, kind="order_shipped", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user_id=user.id, **EVENT)
    assert Notification.objects.count() == 1 and mail.outbox == []


def test_a_failing_mail_server_does_not_break_the_action(django_capture_on_commit_callbacks, settings, monkeypatch):
    user = UserFactory()

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user_id=user.id, **EVENT)  # the eager task's retries fail; the caller is unharmed
    notification = Notification.objects.get()
    assert notification.emailed_at is None


def test_unsubscribe_link_works_without_login_and_refuses_a_forged_token(client):
    user = UserFactory()
    token = unsubscribe_token(user_id=user.id, kind="order_shipped")
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 200  # GET only asks
    assert notification_email_send_allowed(user)
    response = client.post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 200
    assert not notification_email_send_allowed(user)
    assert client.post(f"/notifications/unsubscribe/{token[:-2]}xx/").status_code == 400
    victim = UserFactory()
    signature = token.split(":", 1)[1]
    payload = unsubscribe_token(user_id=victim.id, kind="order_shipped").split(":", 1)[0]
    assert client.post(f"/notifications/unsubscribe/{payload}:{signature}/").status_code == 400
    assert notification_email_send_allowed(victim)


def notification_email_send_allowed(user) -> bool:
    from notifications.selectors import email_wanted

    return email_wanted(user_id=user.id, kind="order_shipped")


def test_preferences_page(client):
    user = UserFactory()
    client.force_login(user)
    assert client.post("/notifications/settings/", {"email_order_new": "on"}).status_code == 302
    from notifications.selectors import email_wanted

    assert email_wanted(user_id=user.id, kind="order_new")
    assert not email_wanted(user_id=user.id, kind="chat_message")


def test_api_lists_and_marks_read(api_client):
    user, other = UserFactory(), UserFactory()
    notify(user_id=user.id, **EVENT)
    notify(user_id=other.id, **EVENT)
    assert api_client.get("/api/v1/notifications/").status_code == 401
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/notifications/").json()
    assert body["count"] == 1 and body["unread"] == 1
    assert body["results"][0]["text"] == "你的订单 20261121001 已发货：顺丰 SF100"
    assert api_client.post("/api/v1/notifications/read/", {"ids": ["x"]}, format="json").status_code == 400
    assert api_client.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 1, "unread": 0}
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1


def test_shop_approval_and_suspension_tell_the_owner(django_capture_on_commit_callbacks):
    shop = ShopFactory(status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        shop_approve(shop_id=shop.id)
    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop_id=shop.id, reason="假货投诉")
    texts = [n.render() for n in Notification.objects.filter(user=shop.owner).order_by("id")]
    assert len(texts) == 2 and "审核" in texts[0] and "假货投诉" in texts[1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_live_push_over_the_real_server(asgi_server):
    user = UserFactory()
    token = token_for(user)

    async def listen():
        async with websockets.connect(
            f"{asgi_server.ws_url}/ws/notifications/",
            origin="http://127.0.0.1",
            additional_headers={"Authorization": f"Token {token}"},
        ) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
            await asyncio.get_running_loop().run_in_executor(None, lambda: notify(user_id=user.id, **EVENT))
            pushed = json.loads(await asyncio.wait_for(ws.recv(), 5))
            return first, pushed

    first, pushed = asyncio.run(listen())
    assert first == {"type": "unread", "unread": 0}
    assert pushed["type"] == "notification" and pushed["unread"] == 1
    assert pushed["notification"]["kind"] == "order_shipped"


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_anonymous_socket_is_closed_with_4401(asgi_server):
    async def listen():
        async with websockets.connect(f"{asgi_server.ws_url}/ws/notifications/", origin="http://127.0.0.1") as ws:
            await ws.recv()

    with pytest.raises(websockets.exceptions.ConnectionClosed) as excinfo:
        asyncio.run(listen())
    assert excinfo.value.rcvd.code == 4401


def test_a_claim_left_by_a_dead_worker_expires_and_the_email_goes_out():
    from datetime import timedelta

    from django.utils import timezone

    from notifications.services import EMAIL_CLAIM_TIMEOUT, notification_email_send

    user = UserFactory()
    notification = notify(user_id=user.id, **EVENT)
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())  # another worker
    assert notification_email_send(notification_id=notification.pk) is False and mail.outbox == []
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now() - EMAIL_CLAIM_TIMEOUT - timedelta(seconds=1)
    )  # …that died
    assert notification_email_send(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1
    assert notification_email_send(notification_id=notification.pk) is False  # sent: never again
