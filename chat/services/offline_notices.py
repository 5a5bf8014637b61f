"""The offline notice: the recipient of an unread burst hears about it (in the page, and by e-mail if they
want it), once per burst, found by a periodic sweep."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chat.models import Conversation, Message, OfflineNotice, Role
from chat.selectors import offline_bursts_due
from chat.serializers import message_preview
from notifications.models import Kind
from notifications.services import notify
from shops.models import ShopMember

logger = logging.getLogger(__name__)

# A claimed e-mail that was never marked sent (a crashed worker) may be claimed again after this.
NOTICE_CLAIM_TIMEOUT = timedelta(minutes=10)


def offline_notices_send_due() -> dict[str, int]:
    """The periodic sweep (chat_offline_notices_task, every minute): every unread burst whose first
    message has waited CHAT_OFFLINE_NOTIFY_MINUTES gets its notice, once (offline_notice_send).
    Answers how many bursts ended how ("sent", "already", ...)."""
    outcomes: dict[str, int] = {}
    now = timezone.now()
    for conversation_id, recipient_role, first_message_id in offline_bursts_due(
        now=now, wait=timedelta(minutes=settings.CHAT_OFFLINE_NOTIFY_MINUTES)
    ):
        try:
            outcome = offline_notice_send(
                conversation_id=conversation_id, recipient_role=recipient_role, first_message_id=first_message_id
            )
        except Exception:  # one bad burst does not stop the others; the next sweep tries it again
            logger.exception("offline chat notice for conversation %s failed", conversation_id)
            outcome = "failed"
        outcome = outcome.split(":", 1)[0]
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _recipient_ids(conversation: Conversation, recipient_role: str) -> list[int]:
    if recipient_role == Role.BUYER:
        return [conversation.buyer_id]
    return list(
        ShopMember.objects.filter(shop_id=conversation.shop_id).order_by("role", "id").values_list("user_id", flat=True)
    )


def offline_notice_send(*, conversation_id: int, recipient_role: str, first_message_id: int) -> str:
    """Tells the recipient of an unread burst (in the page, and by e-mail if they want it), once per burst.

    Answers "sent", "read" (read in time), "already" (another run has it), "gone", or "wait:<seconds>"
    when it is not due yet. Runs outside a transaction: the claim is one conditional UPDATE. The notice is
    a notification template (chat_waiting) with the other side's name and the burst's first lines, so it
    reads in each recipient's language.
    """
    conversation = Conversation.objects.select_related("shop", "buyer").filter(pk=conversation_id).first()
    first = (
        Message.objects.select_related("sender").filter(pk=first_message_id, conversation_id=conversation_id).first()
    )
    if conversation is None or first is None or recipient_role not in Role.values:
        return "gone"
    last_read = conversation.buyer_last_read_id if recipient_role == Role.BUYER else conversation.shop_last_read_id
    if last_read >= first_message_id:
        return "read"
    due = first.created_at + timedelta(minutes=settings.CHAT_OFFLINE_NOTIFY_MINUTES)
    now = timezone.now()
    if now < due:
        return f"wait:{int((due - now).total_seconds()) + 1}"

    notice, _created = OfflineNotice.objects.get_or_create(
        conversation=conversation, recipient_role=recipient_role, first_message=first
    )
    claimed = (
        OfflineNotice.objects.filter(pk=notice.pk, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - NOTICE_CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return "already"

    recipients = _recipient_ids(conversation, recipient_role)
    burst = list(
        Message.objects.filter(conversation=conversation, pk__gte=first_message_id)
        .exclude(sender_role=recipient_role)
        .order_by("id")[:5]
    )
    if recipient_role == Role.BUYER:
        path = reverse("chat:conversation", args=[conversation.pk])
        other = conversation.shop.name
    else:
        path = reverse("seller:inbox-conversation", args=[conversation.pk])
        other = conversation.buyer.username
    previews = " / ".join(message_preview(m) for m in burst)
    with transaction.atomic():
        # In the page, and by e-mail if they want it (with a one-click unsubscribe); once per burst.
        for user_id in recipients:
            notify(
                user_id=user_id,
                kind=Kind.CHAT_MESSAGE,
                key=f"chat-burst:{notice.pk}:{user_id}",
                message="chat_waiting",
                params={"name": other, "previews": previews},
                url=path,
            )
        OfflineNotice.objects.filter(pk=notice.pk).update(
            sent_at=timezone.now(), recipients=",".join(str(r) for r in recipients)[:500]
        )
    return "sent"
