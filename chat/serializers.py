"""The chat API's shapes: inputs, and the answers that the API, the WebSocket frames and the pages share."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Product
from chat.errors import MAX_CLIENT_ID, MAX_REPORT_REASON, MAX_TEXT
from chat.models import Conversation, Message, Role
from chat.selectors import MAX_PAGE
from common.api import Pagination
from common.ids import MAX_ID
from common.money import CURRENCY, money_str
from common.serializers import IsoDateTimeField, StrictCharField
from shops.serializers import ShopRefOut


@extend_schema_field({"type": "string", "maxLength": MAX_TEXT})
class MessageTextField(serializers.CharField):
    """A message's text: the schema states its limit; the service enforces it (after cleaning) and answers
    an over-long text with its own code, `message_too_long`."""


class ConversationStartInputSerializer(serializers.Serializer):
    shop = serializers.CharField(max_length=80, help_text="The shop's slug.")
    product = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class MessageSendInputSerializer(serializers.Serializer):
    text = MessageTextField(required=False, allow_blank=True, trim_whitespace=False)
    product = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    image = serializers.ImageField(required=False, allow_null=True)
    client_id = serializers.CharField(required=False, allow_blank=True, max_length=MAX_CLIENT_ID)


class ReadInputSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=0, max_value=MAX_ID)


class ReportInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=MAX_REPORT_REASON)


class ConversationListQuerySerializer(serializers.Serializer):
    """`?as=buyer` ("my chats", the default) or `?as=seller` (the inbox of the shop the user works for)."""

    def get_fields(self):
        return {
            "as": serializers.ChoiceField(choices=Role.values, required=False, default=Role.BUYER),
            "page": serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID),
            "page_size": serializers.IntegerField(required=False, min_value=1, max_value=Pagination.max_page_size),
        }


class MessageListQuerySerializer(serializers.Serializer):
    """`after`: the next messages after an id (catching up); `before`: the ones just before it (scrolling
    back); both: the messages between them, oldest first."""

    before = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    after = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=50)


# --- answer shapes: what the API answers, the WebSocket frames carry and the pages render ---------------
#
# Each serializer answers and documents. Messages and conversation rows are built for every message sent
# (the message frame, two inbox rows), so MessageOut and ConversationOut write their dict directly in
# to_representation (no field walk); their declared fields are what drf-spectacular reads, and
# chat/tests/test_serializers.py checks that the generic field walk gives the very same JSON.


def product_url(product_id: int) -> str:
    """The product page; the catalogue's URL name is tried first, then its conventional path."""
    for name in ("product", "catalog:product"):
        try:
            return reverse(name, args=[product_id])
        except NoReverseMatch:
            continue
    return f"/product/{product_id}/"


def message_preview(message: Message | None) -> str:
    """A message in a line: the inbox row, the offline notice."""
    if message is None:
        return ""
    if message.text:
        return message.text[:80]
    if message.product_card:
        return f"[🛍] {message.product_card.get('title', '')}"[:80]
    if message.offer_card:
        return f"[🏷] ¥{message.offer_card.get('total', '')}"[:80]
    if message.proposal_card:
        total = message.proposal_card.get("total")
        return (f"[💬🏷] ¥{total}" if total else "[💬🏷]")[:80]
    if message.image:
        return "[📷]"
    return ""


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()

    def to_representation(self, user) -> dict[str, Any]:
        return {"id": user.pk, "username": user.username}


class SenderOut(serializers.Serializer):
    """A message's sender, and the side they wrote for."""

    id = serializers.IntegerField(source="sender_id")
    username = serializers.CharField(source="sender.username")
    role = serializers.ChoiceField(choices=Role.values, source="sender_role")


class ProductCardOut(serializers.Serializer):
    """What a product card shows; stored with the message as it was when sent (evidence in a dispute)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    price = serializers.CharField()
    currency = serializers.CharField()
    image_url = serializers.CharField(allow_null=True)
    url = serializers.CharField()

    @staticmethod
    def card(product: Product) -> dict[str, Any]:
        """The card of a product now (what message_send stores)."""
        image = product.images.order_by("position", "id").first()
        return {
            "id": product.pk,
            "title": product.title,
            "price": money_str(product.price_min),
            "currency": CURRENCY,
            "image_url": None if image is None else (image.thumbnail or image.image).url,
            "url": product_url(product.pk),
        }


class OfferCardLineOut(serializers.Serializer):
    sku = serializers.IntegerField(source="sku_id")
    title = serializers.CharField(source="sku.product.title")
    sku_name = serializers.CharField(source="sku.name")
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    list_price = serializers.DecimalField(max_digits=10, decimal_places=2)


class OfferCardOut(serializers.Serializer):
    """A seller's offer as the chat shows it when it is sent (the offers app builds it from its Offer; the
    offer's later state is GET /api/v1/offers/{id}/ and the socket's `offer` frames)."""

    id = serializers.IntegerField()
    lines = OfferCardLineOut(many=True, source="lines.all")
    shipping_fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    note = serializers.CharField(allow_blank=True)
    expires_at = IsoDateTimeField()


class ProposalCardLineOut(serializers.Serializer):
    sku = serializers.IntegerField(source="sku_id")
    product = serializers.IntegerField(source="sku.product_id")
    title = serializers.CharField(source="sku.product.title")
    sku_name = serializers.CharField(source="sku.name")
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="The unit price the buyer asks for, or null."
    )
    list_price = serializers.DecimalField(max_digits=10, decimal_places=2)


class ProposalCardOut(serializers.Serializer):
    """A buyer's counter-proposal as the chat shows it (the offers app builds it from its Proposal): the lines
    with the unit prices asked for, or a proposed total, and a note. The shop can make an offer from it."""

    id = serializers.IntegerField()
    lines = ProposalCardLineOut(many=True, source="lines.all")
    total = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="The total the buyer proposes, or null."
    )
    currency = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField(source="conversation_id")
    sender = SenderOut(source="*")
    text = serializers.CharField(
        allow_blank=True, help_text="Empty for a product card, an offer, a counter-proposal or a photo."
    )
    product = ProductCardOut(source="product_card", allow_null=True)
    offer = OfferCardOut(source="offer_card", allow_null=True)
    proposal = ProposalCardOut(source="proposal_card", allow_null=True)
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=["contact_details", "photo_held", "photo_rejected"]),
        help_text="contact_details: contact details in the text were masked (escrow protects payments made here); "
        "photo_held: the photo carries a QR code and waits for an operator (only its sender sees it); "
        "photo_rejected: an operator kept it from the other side.",
    )
    image_url = serializers.SerializerMethodField()
    created_at = IsoDateTimeField()
    client_id = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_image_url(self, message: Message) -> str | None:
        return message.image.url if message.image else None

    @extend_schema_field({"type": "string", "nullable": True, "maxLength": MAX_CLIENT_ID})
    def get_client_id(self, message: Message) -> str | None:
        return message.client_id or None

    def to_representation(self, message: Message) -> dict[str, Any]:
        return {
            "id": message.pk,
            "conversation": message.conversation_id,
            "sender": {"id": message.sender_id, "username": message.sender.username, "role": message.sender_role},
            "text": message.text,
            "product": message.product_card,
            "offer": message.offer_card,
            "proposal": message.proposal_card,
            "flags": message.flags,
            "image_url": self.get_image_url(message),
            "created_at": message.created_at.isoformat(),
            "client_id": self.get_client_id(message),
        }


class LastMessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.SerializerMethodField(help_text="The message in a line (a product card or photo as a sign).")
    sender_role = serializers.ChoiceField(choices=Role.values)
    created_at = IsoDateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, message: Message) -> str:
        return message_preview(message)


class ProductRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ConversationOut(serializers.Serializer):
    """One row of "my chats" or the seller inbox, from the viewer's side: `context["role"]`."""

    id = serializers.IntegerField()
    role = serializers.SerializerMethodField()
    shop = ShopRefOut()
    buyer = UserOut()
    product = ProductRefOut(allow_null=True)
    unread = serializers.SerializerMethodField()
    last_message = LastMessageOut(allow_null=True)
    last_message_at = IsoDateTimeField(allow_null=True)
    other_last_read_id = serializers.SerializerMethodField()
    reported = serializers.BooleanField()

    @extend_schema_field({"type": "string", "enum": Role.values})
    def get_role(self, conversation: Conversation) -> str:
        return self.context["role"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_unread(self, conversation: Conversation) -> int:
        return conversation.buyer_unread if self.context["role"] == Role.BUYER else conversation.shop_unread

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_other_last_read_id(self, conversation: Conversation) -> int | None:
        if self.context["role"] == Role.BUYER:
            return conversation.shop_last_read_id
        return conversation.buyer_last_read_id

    def to_representation(self, conversation: Conversation) -> dict[str, Any]:
        last, product = conversation.last_message, conversation.product
        return {
            "id": conversation.pk,
            "role": self.get_role(conversation),
            "shop": {"slug": conversation.shop.slug, "name": conversation.shop.name},
            "buyer": {"id": conversation.buyer.pk, "username": conversation.buyer.username},
            "product": None if product is None else {"id": product.pk, "title": product.title},
            "unread": self.get_unread(conversation),
            "last_message": None
            if last is None
            else {
                "id": last.pk,
                "text": message_preview(last),
                "sender_role": last.sender_role,
                "created_at": last.created_at.isoformat(),
            },
            "last_message_at": conversation.last_message_at.isoformat() if conversation.last_message_at else None,
            "other_last_read_id": self.get_other_last_read_id(conversation),
            "reported": conversation.reported,
        }


def conversation_out(conversation: Conversation, *, role: str) -> dict[str, Any]:
    """The row as `role` sees it, a plain dict (for a push through the channel layer or a page)."""
    return ConversationOut(context={"role": role}).to_representation(conversation)


def message_out(message: Message) -> dict[str, Any]:
    return MessageOut().to_representation(message)


class ReadOut(serializers.Serializer):
    up_to = serializers.IntegerField()
    unread = serializers.IntegerField()


class ConversationReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    reported = serializers.BooleanField()
