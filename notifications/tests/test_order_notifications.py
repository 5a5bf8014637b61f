"""Orders' events reach the right people once: sellers hear of new and paid orders, buyers of shipping."""

from datetime import timedelta

import pytest

from notifications.models import Notification
from notifications.orders import order_events_notify, orders_auto_confirm_reminders
from notifications.tasks import order_events_notify_task
from orders.models import OrderEvent
from orders.services.lifecycle import order_confirm_receipt
from orders.tests.helpers import placed_shipped
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def test_each_order_event_notifies_its_audience_once(django_capture_on_commit_callbacks):
    shop = ShopFactory()
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = placed_shipped(buyer, sku_in_shop(shop))
    kinds = sorted(Notification.objects.values_list("user_id", "kind"))
    assert kinds == sorted([(shop.owner_id, "order_new"), (shop.owner_id, "order_paid"), (buyer.id, "order_shipped")])
    shipped = Notification.objects.get(kind="order_shipped")
    assert order.number in shipped.render() and shipped.url == f"/orders/{order.number}/"

    # the task runs again (at-least-once delivery): nothing new
    order_events_notify_task.delay(list(OrderEvent.objects.values_list("id", flat=True)))
    assert Notification.objects.count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        order_confirm_receipt(order_id=order.pk, actor=buyer)
    assert Notification.objects.filter(user=shop.owner, kind="order_completed").count() == 1


def test_auto_confirm_reminder_once_a_day_before(django_capture_on_commit_callbacks):
    shop = ShopFactory()
    buyer = UserFactory()
    order = placed_shipped(buyer, sku_in_shop(shop))
    now = order.auto_confirm_at - timedelta(hours=30)
    assert orders_auto_confirm_reminders(now=now) == 0
    now = order.auto_confirm_at - timedelta(hours=20)
    orders_auto_confirm_reminders(now=now)
    orders_auto_confirm_reminders(now=now + timedelta(hours=1))
    assert Notification.objects.filter(user=buyer, kind="auto_confirm_soon").count() == 1


def test_unknown_event_ids_are_ignored():
    assert order_events_notify(event_ids=[999999]) == 0


def test_a_review_tells_the_seller(django_capture_on_commit_callbacks):
    from orders.services.lifecycle import order_confirm_receipt
    from orders.services.reviews import review_create

    shop = ShopFactory()
    buyer = UserFactory()
    order = placed_shipped(buyer, sku_in_shop(shop))
    order_confirm_receipt(order_id=order.pk, actor=buyer)
    with django_capture_on_commit_callbacks(execute=True):
        review_create(
            order_id=order.pk,
            buyer=buyer,
            line_id=order.lines.get().pk,
            rating=4,
            as_described=4,
            communication=5,
            shipping=4,
            text="不错",
        )
    note = Notification.objects.get(user=shop.owner, kind="review_received")
    assert "4 星" in note.render("zh-hans") and "(4 stars)" in note.render("en")
