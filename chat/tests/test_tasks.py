"""The offline e-mail: once per unread burst, never twice, not when read in time; found by a sweep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from chat import tasks
from chat.models import Message, OfflineNotice
from chat.services import conversation_mark_read, conversation_start, message_send
from notifications.models import Notification
from notifications.tasks import notification_email_task
from tests.factories import ShopFactory, UserFactory, staff_for

pytestmark = pytest.mark.django_db


def age(message_ids, minutes=10):
    Message.objects.filter(pk__in=message_ids).update(created_at=timezone.now() - timedelta(minutes=minutes))


def sweep():
    return tasks.chat_offline_notices_task.apply().get()


def test_one_email_per_burst_even_if_the_sweep_runs_twice(django_capture_on_commit_callbacks, settings):
    settings.CHAT_OFFLINE_NOTIFY_MINUTES = 5
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    staff = staff_for(conversation.shop)
    with django_capture_on_commit_callbacks(execute=True):
        first = message_send(user=conversation.buyer, conversation=conversation, text="这个腊肉很辣吗？")
        second = message_send(user=conversation.buyer, conversation=conversation, text="能发到武汉吗？")
    # the sweep finds the burst when it is due
    assert sweep() == {}  # too early: nothing yet
    age([first.pk, second.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"sent": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {}  # the burst is done
    # one notification and one e-mail for each of the shop's people, about the burst's first message
    assert sorted(m.to[0] for m in mail.outbox) == sorted([conversation.shop.owner.email, staff.email])
    email = mail.outbox[0]
    assert "这个腊肉很辣吗？" in email.body and "能发到武汉吗？" in email.body
    assert f"/seller/inbox/{conversation.pk}/" in email.body
    assert Notification.objects.filter(kind="chat_message").count() == 2
    notice = OfflineNotice.objects.get()
    assert notice.sent_at is not None and notice.first_message_id == first.pk and notice.recipient_role == "seller"

    # the seller reads and answers: the buyer's next question starts a new burst, and a new e-mail
    with django_capture_on_commit_callbacks(execute=True):
        reply = message_send(user=staff, conversation=conversation, text="微辣")
        third = message_send(user=conversation.buyer, conversation=conversation, text="好的")
    conversation_mark_read(user=conversation.buyer, conversation=conversation, up_to=reply.pk)
    age([reply.pk, third.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"sent": 1}  # the buyer saw the answer in time: no e-mail for them
    assert OfflineNotice.objects.filter(recipient_role="seller", first_message=third).exists()
    assert not OfflineNotice.objects.filter(recipient_role="buyer").exists()
    assert len(mail.outbox) == 4


def test_a_burst_older_than_the_lookback_is_not_mailed(django_capture_on_commit_callbacks):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    message = message_send(user=conversation.buyer, conversation=conversation, text="还在吗？")
    age([message.pk], minutes=2 * 24 * 60)
    assert sweep() == {} and mail.outbox == []


def test_a_failed_send_is_retried_and_never_loses_the_notice(django_capture_on_commit_callbacks, monkeypatch):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(user=conversation.shop.owner, conversation=conversation, text="您好，腊肉到货了")
    age([message.pk])

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"sent": 1}  # the e-mail task failed, quietly
    notification = Notification.objects.get(user=conversation.buyer)
    assert notification.emailed_at is None and mail.outbox == []
    monkeypatch.undo()
    notification_email_task.delay(notification.pk)  # the task's retry
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [conversation.buyer.email]
