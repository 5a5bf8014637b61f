"""Writes for chat: conversations, messages, read marks, reports and the offline e-mail.

Every message is stored (under its conversation's row lock, so ids commit in order within a
conversation) before anything is broadcast; broadcasts and task scheduling happen on commit.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from chat.errors import MAX_TEXT, MessageEmpty, MessageTooLong, OwnShopError
from chat.groups import conversation_group, shop_group, user_group
from chat.models import Conversation, Message, OfflineNotice, Role
from chat.presenters import conversation_data, message_data, message_preview, product_card
from chat.selectors import last_product_card_id, offline_bursts_due, unread_side_totals
from common.errors import NotFound, RateLimited, ValidationFailed
from common.files import files_written_first
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


def _broadcast(events: list[tuple[str, dict[str, Any]]]) -> None:
    """Hands (group, event) pairs to the channel layer in one trip from this sync thread; they go out
    concurrently. Called on commit, so a failure loses nothing stored: clients resync with ?after=."""
    layer = get_channel_layer()
    if layer is None or not events:
        return

    async def send_all() -> None:
        results = await asyncio.gather(
            *(layer.group_send(group, event) for group, event in events), return_exceptions=True
        )
        for (group, _event), result in zip(events, results, strict=True):
            if isinstance(result, BaseException):
                logger.error("chat broadcast to %s failed", group, exc_info=result)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("chat broadcast failed")


def _unread_events(conversation: Conversation, *, roles: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """The "unread" pushes for these sides of a conversation, computed once here (one query) so the
    sockets only forward them: the side's new total and the conversation's row as that side sees it.
    The buyer's go to the buyer's group; the seller side's to the shop's group (everyone working for it).
    Run after commit: the totals then include every conversation committed so far."""
    buyer_total, shop_total = unread_side_totals(
        buyer_id=conversation.buyer_id if Role.BUYER in roles else None,
        shop_id=conversation.shop_id if Role.SELLER in roles else None,
    )
    events = []
    if Role.BUYER in roles:
        events.append(
            (
                user_group(conversation.buyer_id),
                {
                    "type": "chat.unread",
                    "role": str(Role.BUYER),
                    "total": buyer_total,
                    "conversation": conversation_data(conversation, role=Role.BUYER),
                },
            )
        )
    if Role.SELLER in roles:
        events.append(
            (
                shop_group(conversation.shop_id),
                {
                    "type": "chat.unread",
                    "role": str(Role.SELLER),
                    "total": shop_total,
                    "conversation": conversation_data(conversation, role=Role.SELLER),
                },
            )
        )
    return events


# --- helpers ------------------------------------------------------------------------------------


def _participant_role(user, conversation: Conversation) -> str:
    if user.is_authenticated and conversation.buyer_id == user.pk:
        return Role.BUYER
    if user.is_authenticated and ShopMember.objects.filter(shop_id=conversation.shop_id, user=user).exists():
        return Role.SELLER
    raise NotFound()


# The hot path's lock query in SQL: the ORM spent ~3 ms of CPU building this one (joins, annotations)
# for every message, more than the rest of message_send; the SQL runs in a fraction of a millisecond.
_LOCK_SQL = """
SELECT c.id, c.buyer_id, c.shop_id, c.product_id, c.last_message_id, c.last_message_at,
       c.buyer_last_read_id, c.shop_last_read_id, c.buyer_unread, c.shop_unread, c.reported,
       s.slug, s.name, u.username, p.title,
       EXISTS (SELECT 1 FROM {member} m WHERE m.shop_id = c.shop_id AND m.user_id = %(user)s),
       (SELECT r.id FROM {message} r WHERE r.conversation_id = c.id AND r.sender_id = %(user)s
          AND r.client_id = %(client_id)s AND %(client_id)s <> '' LIMIT 1)
FROM {conversation} c
JOIN {shop} s ON s.id = c.shop_id
JOIN {user} u ON u.id = c.buyer_id
LEFT JOIN {product} p ON p.id = c.product_id
WHERE c.id = %(conversation)s
{lock}
"""
_LOCK_FIELDS = [
    "id",
    "buyer_id",
    "shop_id",
    "product_id",
    "last_message_id",
    "last_message_at",
    "buyer_last_read_id",
    "shop_last_read_id",
    "buyer_unread",
    "shop_unread",
    "reported",
]


def _lock_for_participant(*, user, conversation_id: int, client_id: str = "") -> tuple[Conversation, str, int | None]:
    """The conversation row locked (only it: not the shop, buyer or product it joins), with what its
    pushes show, the user's side, and the id of a message this user already sent with `client_id`
    (a resend), in one statement. Not a participant: NotFound."""
    if not user.is_authenticated:
        raise NotFound()
    sql = _LOCK_SQL.format(
        member=ShopMember._meta.db_table,
        message=Message._meta.db_table,
        conversation=Conversation._meta.db_table,
        shop=Shop._meta.db_table,
        user=get_user_model()._meta.db_table,
        product=Product._meta.db_table,
        # SQLite (the default `make run`) has no row locks: a writer holds the whole database anyway.
        lock="FOR UPDATE OF c" if connection.features.has_select_for_update_of else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user.pk, "client_id": client_id, "conversation": conversation_id})
        row = cursor.fetchone()
    if row is None:
        raise NotFound()
    fields, (shop_slug, shop_name, buyer_username, product_title, is_staff, resent_id) = row[:11], row[11:]
    conversation = Conversation.from_db(connection.alias, _LOCK_FIELDS, fields)
    conversation.shop = Shop.from_db(
        connection.alias, ["id", "slug", "name"], [conversation.shop_id, shop_slug, shop_name]
    )
    conversation.buyer = get_user_model().from_db(
        connection.alias, ["id", "username"], [conversation.buyer_id, buyer_username]
    )
    conversation.product = (
        None
        if conversation.product_id is None
        else Product.from_db(connection.alias, ["id", "title"], [conversation.product_id, product_title])
    )
    if conversation.buyer_id == user.pk:
        return conversation, Role.BUYER, resent_id
    if is_staff:
        return conversation, Role.SELLER, resent_id
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
        # The product's card goes in unless the conversation's latest card already shows it: asking
        # again about the same product (more questions, another click) adds no second card.
        already_shown = product is not None and last_product_card_id(conversation_id=conversation.pk) == product.pk
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
def conversation_report_resolve(*, conversation_id: int, operator, reason: str = "") -> None:
    """An operator has dealt with the report (the audit log keeps who and why)."""
    from accounts.services import operator_action_record

    conversation = Conversation.objects.select_for_update().filter(pk=conversation_id, reported=True).first()
    if conversation is None:
        return
    conversation.reported = False
    conversation.save(update_fields=["reported", "updated_at"])
    operator_action_record(
        actor=operator, action="chat_report_resolve", obj=conversation, reason=reason, report=conversation.report_reason
    )


# --- messages -----------------------------------------------------------------------------------


def message_send(
    *,
    user,
    conversation: Conversation,
    text: Any = None,
    product: Product | int | None = None,
    image=None,
    client_id: Any = None,
) -> Message:
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
    # The photo is stored before the message's transaction opens, and deleted if that fails.
    with files_written_first() as files:
        image_name = files.write(Message(), "image", image_file) if image_file is not None else ""
        message = _message_store(
            user=user,
            conversation_id=conversation.pk,
            text=text,
            product=product,
            image_name=image_name,
            client_id=client_id,
        )
    if image_name and message.image.name != image_name:  # a resend: the first copy (and its photo) stands
        files.discard()
    return message


@transaction.atomic
def _message_store(
    *, user, conversation_id: int, text: str, product: Product | None, image_name: str, client_id: str
) -> Message:
    """Four statements: lock (with the sender's side and a resend check), insert, update, and on
    commit the unread totals for the pushes."""
    conversation, role, resent_id = _lock_for_participant(
        user=user, conversation_id=conversation_id, client_id=client_id
    )
    if resent_id is not None:  # a resend after a reconnect: the first copy stands
        existing = Message.objects.select_related("sender").get(pk=resent_id)
        data = message_data(existing)
        transaction.on_commit(
            lambda: _broadcast([(conversation_group(conversation_id), {"type": "chat.message", "message": data})])
        )
        return existing

    message = Message(conversation=conversation, sender=user, sender_role=role, text=text, client_id=client_id)
    if product is not None:
        message.product = product
        message.product_card = product_card(product)
    if image_name:
        message.image = image_name
    message.save()

    if role == Role.BUYER:
        conversation.shop_unread += 1
        conversation.buyer_last_read_id = message.pk
        conversation.buyer_unread = 0
    else:
        conversation.buyer_unread += 1
        conversation.shop_last_read_id = message.pk
        conversation.shop_unread = 0
    conversation.last_message = message
    conversation.last_message_at = message.created_at
    conversation.save(
        update_fields=[
            "shop_unread",
            "buyer_unread",
            "buyer_last_read_id",
            "shop_last_read_id",
            "last_message",
            "last_message_at",
            "updated_at",
        ]
    )
    # The offline e-mail is not scheduled here: a periodic sweep finds unread bursts that are due
    # (offline_notices_send_due), so a message costs no broker round trip.

    data = message_data(message)
    transaction.on_commit(
        lambda: _broadcast(
            [
                (conversation_group(conversation_id), {"type": "chat.message", "message": data}),
                *_unread_events(conversation, roles=(Role.BUYER, Role.SELLER)),
            ]
        )
    )
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
    conversation, role, _resent = _lock_for_participant(user=user, conversation_id=conversation.pk)
    up_to = min(up_to, conversation.last_message_id or 0)
    mark_field, unread_field = (
        ("buyer_last_read_id", "buyer_unread") if role == Role.BUYER else ("shop_last_read_id", "shop_unread")
    )
    if up_to <= getattr(conversation, mark_field):
        return getattr(conversation, unread_field)
    unread = Message.objects.filter(conversation=conversation, pk__gt=up_to).exclude(sender_role=role).count()
    setattr(conversation, mark_field, up_to)
    setattr(conversation, unread_field, unread)
    conversation.save(update_fields=[mark_field, unread_field, "updated_at"])

    event = {"type": "chat.read", "role": str(role), "up_to": up_to, "user": {"id": user.pk, "username": user.username}}
    transaction.on_commit(
        lambda: _broadcast([(conversation_group(conversation.pk), event), *_unread_events(conversation, roles=(role,))])
    )
    return unread


# --- the offline e-mail -------------------------------------------------------------------------


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
    when it is not due yet. Runs outside a transaction: the claim is one conditional UPDATE.
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
