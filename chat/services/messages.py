"""Messages: sending (text, a product card, a photo) and read marks, each under the conversation's row lock,
broadcast after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from chat.errors import MAX_CLIENT_ID, MAX_TEXT, MessageEmpty, MessageTooLong
from chat.fast_paths import conversation_lock_for_participant
from chat.groups import conversation_group
from chat.models import Conversation, Message, PhotoHold, Role
from chat.serializers import ProductCardOut, UserOut, message_out
from chat.services import broadcast
from common.errors import NotFound, RateLimited, ValidationFailed
from common.files import files_written_first
from common.images import sanitize_image
from common.ratelimit import rate_limit_hit
from common.text import clean_text
from safety.contact import earlier_messages_matter
from safety.models import Source
from safety.qr import file_codes_find
from safety.services import chat_mute_check, text_screen

# How many of the sender's previous messages the contact-detail check reads (a number split over messages).
EARLIER_FOR_SCREENING = 4


def _lock_for_participant(*, user, conversation_id: int, client_id: str = "") -> tuple[Conversation, str, int | None]:
    """The conversation row locked, the user's side, and the id of a message this user already sent with
    `client_id` (a resend), in one statement (chat/fast_paths.py). Not a participant: NotFound."""
    if not user.is_authenticated:
        raise NotFound()
    locked = conversation_lock_for_participant(user_id=user.pk, conversation_id=conversation_id, client_id=client_id)
    if locked is None:
        raise NotFound()
    if locked.conversation.buyer_id == user.pk:
        return locked.conversation, Role.BUYER, locked.resent_id
    if locked.is_member:
        return locked.conversation, Role.SELLER, locked.resent_id
    raise NotFound()


def _clean_message_text(text: Any) -> str:
    message = _("A message is at most %(n)s characters.") % {"n": f"{MAX_TEXT:,}"}
    return clean_text(text, field="text", max_length=MAX_TEXT, too_long_message=message, too_long_error=MessageTooLong)


def _clean_client_id(client_id: Any) -> str:
    if client_id is None:
        return ""
    if not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID:
        raise ValidationFailed(fields={"client_id": [_("At most 64 characters.")]})
    return clean_text(client_id, multiline=False)


def shop_product(product: Any, *, shop_id: int) -> Product:
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
        product = shop_product(product, shop_id=conversation.shop_id)
    if not text and product is None and image is None:
        raise MessageEmpty(fields={"text": [_("Write a message first.")]})
    chat_mute_check(user=user)
    image_file, photo_codes = None, []
    if image is not None:
        image_file, _w, _h = sanitize_image(image, max_side=1600)
        # A WeChat or Alipay QR code takes the deal off the platform: such a photo waits for an operator.
        photo_codes = [{"format": code.format, "text": code.text} for code in file_codes_find(image_file)]
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
            photo_codes=photo_codes,
            client_id=client_id,
        )
    if image_name and message.image.name != image_name:  # a resend: the first copy (and its photo) stands
        files.discard()
    return message


@transaction.atomic
def _message_store(
    *,
    user,
    conversation_id: int,
    text: str,
    product: Product | None,
    image_name: str,
    client_id: str,
    photo_codes: list[dict[str, str]] | None = None,
) -> Message:
    """Four statements: lock (with the sender's side and a resend check), insert, update, and on
    commit the unread totals for the pushes. A held photo is stored for its sender and operators only."""
    conversation, role, resent_id = _lock_for_participant(
        user=user, conversation_id=conversation_id, client_id=client_id
    )
    if resent_id is not None:  # a resend after a reconnect: the first copy stands
        existing = Message.objects.select_related("sender").get(pk=resent_id)
        data = message_out(existing)
        transaction.on_commit(
            lambda: broadcast.broadcast_send(
                [(conversation_group(conversation_id), {"type": "chat.message", "message": data})]
            )
        )
        return existing

    message = Message(conversation=conversation, sender=user, sender_role=role, text=text, client_id=client_id)
    if text:
        _screen(message, conversation=conversation)
    if product is not None:
        message.product = product
        message.product_card = ProductCardOut.card(product)
    if image_name:
        message.image = image_name
    if image_name and photo_codes:
        message.photo_hold, message.photo_codes = PhotoHold.HELD, photo_codes
        message.flags = [*message.flags, "photo_held"]
    message.save()
    if message.photo_hold != PhotoHold.HELD:
        _conversation_after(conversation, message, role)
    return message


def _conversation_after(conversation: Conversation, message: Message, role: str) -> None:
    """The conversation's counters and last message after a new message, and the pushes on commit."""
    conversation_id = conversation.pk
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

    data = message_out(message)
    transaction.on_commit(
        lambda: broadcast.broadcast_send(
            [
                (conversation_group(conversation_id), {"type": "chat.message", "message": data}),
                *broadcast.unread_events(conversation, roles=(Role.BUYER, Role.SELLER)),
            ]
        )
    )


def _screen(message: Message, *, conversation: Conversation) -> None:
    """Contact details in the text are masked (safety) and flagged; the strike that mutes the sender also
    puts the conversation in front of operators (reported, so admin shows its messages)."""
    earlier = []
    if earlier_messages_matter(message.text):  # a query only for a message with digits or a lone id
        earlier = list(
            Message.objects.filter(conversation=conversation, sender=message.sender)
            .exclude(text="")
            .order_by("-id")
            .values_list("text", flat=True)[:EARLIER_FOR_SCREENING]
        )[::-1]
    screened = text_screen(
        user=message.sender, text=message.text, source=Source.CHAT, source_id=conversation.pk, earlier=earlier
    )
    message.text, message.flags = screened.text, screened.flags
    if screened.muted_now and not conversation.reported:
        conversation.reported, conversation.reported_at = True, timezone.now()
        conversation.report_reason = "contact-detail strikes: the sender is muted for a day"
        conversation.save(update_fields=["reported", "reported_at", "report_reason", "updated_at"])


@transaction.atomic
def message_offer_post(*, user, conversation_id: int, card: dict[str, Any]) -> Message:
    """The shop's offer as a message in the conversation (the offers app calls it inside its transaction)."""
    conversation, role, _resent = _lock_for_participant(user=user, conversation_id=conversation_id)
    if role != Role.SELLER:
        raise NotFound()
    message = Message.objects.create(conversation=conversation, sender=user, sender_role=role, text="", offer_card=card)
    _conversation_after(conversation, message, role)
    return message


@transaction.atomic
def message_proposal_post(*, user, conversation_id: int, card: dict[str, Any]) -> Message:
    """The buyer's counter-proposal as a message in the conversation (the offers app calls it inside its
    transaction); the shop sees it as a card it can turn into an offer."""
    conversation, role, _resent = _lock_for_participant(user=user, conversation_id=conversation_id)
    if role != Role.BUYER:
        raise NotFound()
    message = Message.objects.create(
        conversation=conversation, sender=user, sender_role=role, text="", proposal_card=card
    )
    _conversation_after(conversation, message, role)
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

    event = {"type": "chat.read", "role": str(role), "up_to": up_to, "user": UserOut().to_representation(user)}
    transaction.on_commit(
        lambda: broadcast.broadcast_send(
            [(conversation_group(conversation.pk), event), *broadcast.unread_events(conversation, roles=(role,))]
        )
    )
    return unread
