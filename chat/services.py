"""Writes for chat: conversations, messages, read marks, reports and the offline e-mail.

Every message is stored (under its conversation's row lock, so ids commit in order within a
conversation) before anything is broadcast; broadcasts and task scheduling happen on commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from chat.errors import MAX_TEXT, MessageEmpty, MessageTooLong, OwnShopError
from chat.groups import conversation_group, user_group
from chat.models import Conversation, Message, OfflineNotice, Role
from chat.presenters import message_data, message_preview, product_card
from common.errors import NotFound, RateLimited, ValidationFailed
from common.images import sanitize_image
from common.ratelimit import rate_limit_hit
from common.text import clean_text
from notifications.models import Kind
from notifications.services import notify
from shops.models import Shop, ShopMember

logger = logging.getLogger(__name__)

MAX_CLIENT_ID = 64
MAX_REPORT_REASON = 500
# A claimed e-mail that was never marked sent (a crashed worker) may be claimed again after this.
NOTICE_CLAIM_TIMEOUT = timedelta(minutes=10)


# --- broadcasting -------------------------------------------------------------------------------


def _group_send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the message is stored: clients catch up with ?after=<last id>
        logger.exception("chat broadcast to %s failed", group)


def _side_user_ids(conversation: Conversation, role: str) -> list[int]:
    if role == Role.BUYER:
        return [conversation.buyer_id]
    return list(ShopMember.objects.filter(shop_id=conversation.shop_id).values_list("user_id", flat=True))


def _broadcast_unread(user_ids: list[int], conversation_id: int) -> None:
    for user_id in user_ids:
        _group_send(user_group(user_id), {"type": "chat.unread", "conversation": conversation_id})


# --- helpers ------------------------------------------------------------------------------------


def _participant_role(user, conversation: Conversation) -> str:
    if user.is_authenticated and conversation.buyer_id == user.pk:
        return Role.BUYER
    if user.is_authenticated and ShopMember.objects.filter(shop_id=conversation.shop_id, user=user).exists():
        return Role.SELLER
    raise NotFound()


def _clean_message_text(text: Any) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationFailed(fields={"text": [_("Must be text.")]})
    text = clean_text(text)
    if len(text) > MAX_TEXT:
        message = _("A message is at most %(n)s characters.") % {"n": f"{MAX_TEXT:,}"}
        raise MessageTooLong(message, fields={"text": [message]})
    return text


def _clean_client_id(client_id: Any) -> str:
    if client_id is None:
        return ""
    if not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID:
        raise ValidationFailed(fields={"client_id": [_("At most 64 characters.")]})
    return clean_text(client_id, multiline=False)


def _shop_product(product: Any, *, shop_id: int) -> Product:
    """A public product of this shop: a conversation only carries the shop's own products."""
    if isinstance(product, Product):
        product_id = product.pk
    else:
        try:
            product_id = int(product)
        except (TypeError, ValueError):
            product_id = None
    found = None
    if product_id is not None:
        found = Product.objects.public().filter(pk=product_id, shop_id=shop_id).first()
    if found is None:
        raise ValidationFailed(fields={"product": [_("Choose a product of this shop.")]})
    return found


# --- conversations ------------------------------------------------------------------------------


def conversation_start(*, buyer, shop: Shop, product: Product | int | None = None) -> tuple[Conversation, bool]:
    """Get or create the buyer's conversation with the shop; the product they came from is dropped in."""
    if ShopMember.objects.filter(shop=shop, user=buyer).exists():
        raise OwnShopError()
    if product is not None:
        product = _shop_product(product, shop_id=shop.pk)
    with transaction.atomic():
        conversation, created = Conversation.objects.get_or_create(buyer=buyer, shop=shop)
        already_shown = (product is not None and conversation.last_message_id is not None
                         and Message.objects.filter(pk=conversation.last_message_id, product=product).exists())
        if product is not None and conversation.product_id != product.pk:
            conversation.product = product
            conversation.save(update_fields=["product", "updated_at"])
    if product is not None and not already_shown:
        message_send(user=buyer, conversation=conversation, product=product)
        conversation.refresh_from_db()
    return conversation, created


@transaction.atomic
def conversation_report(*, user, conversation: Conversation, reason: Any) -> Conversation:
    """A participant flags the conversation for an operator, who may then read it in admin."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _participant_role(user, conversation)
    reason = clean_text(reason if isinstance(reason, str) else "", multiline=False)
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Tell us what is wrong.")]})
    if len(reason) > MAX_REPORT_REASON:
        raise ValidationFailed(fields={"reason": [_("At most 500 characters.")]})
    conversation.reported = True
    conversation.report_reason = reason
    conversation.reported_by = user
    conversation.reported_at = timezone.now()
    conversation.save(update_fields=["reported", "report_reason", "reported_by", "reported_at", "updated_at"])
    return conversation


@transaction.atomic
def conversation_report_resolve(*, conversation_id: int) -> None:
    """An operator has dealt with the report."""
    Conversation.objects.filter(pk=conversation_id).update(reported=False, updated_at=timezone.now())


# --- messages -----------------------------------------------------------------------------------


def message_send(*, user, conversation: Conversation, text: Any = None, product: Product | int | None = None,
                 image=None, client_id: Any = None) -> Message:
    """Validates, rate-limits, stores, then (on commit) broadcasts to the conversation and badges."""
    text = _clean_message_text(text)
    client_id = _clean_client_id(client_id)
    if product is not None:
        product = _shop_product(product, shop_id=conversation.shop_id)
    if not text and product is None and image is None:
        raise MessageEmpty(fields={"text": [_("Write a message first.")]})
    image_file = None
    if image is not None:
        image_file, _w, _h = sanitize_image(image, max_side=1600)
    wait = rate_limit_hit(scope="chat", identity=f"u{user.pk}")
    if wait is not None:
        raise RateLimited(_("You are sending messages too fast. Wait a few seconds."), retry_after=wait)
    return _message_store(user=user, conversation_id=conversation.pk, text=text, product=product,
                          image_file=image_file, client_id=client_id)


@transaction.atomic
def _message_store(*, user, conversation_id: int, text: str, product: Product | None, image_file,
                   client_id: str) -> Message:
    conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    if conversation is None:
        raise NotFound()
    role = _participant_role(user, conversation)
    if client_id:
        existing = Message.objects.select_related("sender").filter(
            conversation=conversation, sender=user, client_id=client_id).first()
        if existing is not None:  # a resend after a reconnect: the first copy stands
            data = message_data(existing)
            transaction.on_commit(lambda: _group_send(conversation_group(conversation_id),
                                                      {"type": "chat.message", "message": data}))
            return existing

    message = Message(conversation=conversation, sender=user, sender_role=role, text=text, client_id=client_id)
    if product is not None:
        message.product = product
        message.product_card = product_card(product)
    if image_file is not None:
        message.image.save(image_file.name, image_file, save=False)
    message.save()

    burst_starts = False
    if role == Role.BUYER:
        burst_starts = conversation.shop_unread == 0
        conversation.shop_unread += 1
        conversation.buyer_last_read_id = message.pk
        conversation.buyer_unread = 0
    else:
        burst_starts = conversation.buyer_unread == 0
        conversation.buyer_unread += 1
        conversation.shop_last_read_id = message.pk
        conversation.shop_unread = 0
    conversation.last_message = message
    conversation.last_message_at = message.created_at
    conversation.save(update_fields=["shop_unread", "buyer_unread", "buyer_last_read_id", "shop_last_read_id",
                                     "last_message", "last_message_at", "updated_at"])

    data = message_data(message)
    recipients = [conversation.buyer_id, *_side_user_ids(conversation, Role.SELLER)]

    def broadcast() -> None:
        _group_send(conversation_group(conversation_id), {"type": "chat.message", "message": data})
        _broadcast_unread(recipients, conversation_id)

    transaction.on_commit(broadcast)
    if burst_starts:
        recipient_role = Role.SELLER if role == Role.BUYER else Role.BUYER
        transaction.on_commit(lambda: _offline_notice_schedule(conversation_id=conversation_id,
                                                               recipient_role=recipient_role,
                                                               first_message_id=message.pk))
    return message


@transaction.atomic
def conversation_mark_read(*, user, conversation: Conversation, up_to: Any) -> int:
    """Moves the reader's side's read mark forward to `up_to`; returns that side's unread count."""
    if isinstance(up_to, bool) or not isinstance(up_to, int | str):
        raise ValidationFailed(fields={"up_to": [_("A message id.")]})
    try:
        up_to = int(up_to)
    except ValueError as exc:
        raise ValidationFailed(fields={"up_to": [_("A message id.")]}) from exc
    if up_to < 0:
        raise ValidationFailed(fields={"up_to": [_("A message id.")]})
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    role = _participant_role(user, conversation)
    up_to = min(up_to, conversation.last_message_id or 0)
    mark_field, unread_field = (("buyer_last_read_id", "buyer_unread") if role == Role.BUYER
                                else ("shop_last_read_id", "shop_unread"))
    if up_to <= getattr(conversation, mark_field):
        return getattr(conversation, unread_field)
    unread = (Message.objects.filter(conversation=conversation, pk__gt=up_to)
              .exclude(sender_role=role).count())
    setattr(conversation, mark_field, up_to)
    setattr(conversation, unread_field, unread)
    conversation.save(update_fields=[mark_field, unread_field, "updated_at"])

    conversation_id = conversation.pk
    readers = _side_user_ids(conversation, role)
    event = {"type": "chat.read", "role": str(role), "up_to": up_to,
             "user": {"id": user.pk, "username": user.username}}

    def broadcast() -> None:
        _group_send(conversation_group(conversation_id), event)
        _broadcast_unread(readers, conversation_id)

    transaction.on_commit(broadcast)
    return unread


# --- the offline e-mail -------------------------------------------------------------------------


def _offline_notice_schedule(*, conversation_id: int, recipient_role: str, first_message_id: int) -> None:
    from chat.tasks import chat_offline_notify_task

    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        # The embedded demo runs tasks inline, where a countdown is ignored: nobody is "away" yet.
        return
    try:
        chat_offline_notify_task.apply_async(
            args=[conversation_id, str(recipient_role), first_message_id],
            countdown=settings.CHAT_OFFLINE_NOTIFY_MINUTES * 60)
    except Exception:  # the broker is down: the message is stored and shown; only the e-mail is lost
        logger.exception("could not schedule the offline chat notice for conversation %s", conversation_id)


def _recipient_ids(conversation: Conversation, recipient_role: str) -> list[int]:
    if recipient_role == Role.BUYER:
        return [conversation.buyer_id]
    return list(ShopMember.objects.filter(shop_id=conversation.shop_id).order_by("role", "id")
                .values_list("user_id", flat=True))


def offline_notice_send(*, conversation_id: int, recipient_role: str, first_message_id: int) -> str:
    """Tells the recipient of an unread burst (in the page, and by e-mail if they want it), once per burst.

    Answers "sent", "read" (read in time), "already" (another run has it), "gone", or "wait:<seconds>"
    when it is not due yet. Runs outside a transaction: the claim is one conditional UPDATE.
    """
    conversation = Conversation.objects.select_related("shop", "buyer").filter(pk=conversation_id).first()
    first = Message.objects.select_related("sender").filter(pk=first_message_id,
                                                            conversation_id=conversation_id).first()
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
        conversation=conversation, recipient_role=recipient_role, first_message=first)
    claimed = (OfflineNotice.objects.filter(pk=notice.pk, sent_at__isnull=True)
               .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - NOTICE_CLAIM_TIMEOUT))
               .update(claimed_at=now))
    if not claimed:
        return "already"

    recipients = _recipient_ids(conversation, recipient_role)
    burst = list(Message.objects.filter(conversation=conversation, pk__gte=first_message_id)
                 .exclude(sender_role=recipient_role).order_by("id")[:5])
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
            notify(user_id=user_id, kind=Kind.CHAT_MESSAGE, key=f"chat-burst:{notice.pk}:{user_id}",
                   text=f"{other} 给你发来消息，正在等你回复：{previews}"[:500],
                   text_en=f"{other} wrote to you and is waiting for an answer: {previews}"[:500], url=path)
        OfflineNotice.objects.filter(pk=notice.pk).update(
            sent_at=timezone.now(), recipients=",".join(str(r) for r in recipients)[:500])
    return "sent"
