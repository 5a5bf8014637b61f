"""A buyer's conversation with a shop: starting it (with the product they came from), reporting it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from chat.errors import MAX_REPORT_REASON, OwnShopError
from chat.models import Conversation, Role
from chat.selectors import last_product_card_id
from chat.services.messages import message_send, shop_product
from common.errors import NotFound
from common.text import clean_text
from shops.models import Shop, ShopMember


def _participant_role(user, conversation: Conversation) -> str:
    if user.is_authenticated and conversation.buyer_id == user.pk:
        return Role.BUYER
    if user.is_authenticated and ShopMember.objects.filter(shop_id=conversation.shop_id, user=user).exists():
        return Role.SELLER
    raise NotFound()


def conversation_start(*, buyer, shop: Shop, product: Product | int | None = None) -> tuple[Conversation, bool]:
    """Get or create the buyer's conversation with the shop; the product they came from is dropped in."""
    if ShopMember.objects.filter(shop=shop, user=buyer).exists():
        raise OwnShopError()
    if product is not None:
        product = shop_product(product, shop_id=shop.pk)
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
    reason = clean_text(
        reason,
        multiline=False,
        field="reason",
        required=True,
        max_length=MAX_REPORT_REASON,
        required_message=_("Tell us what is wrong."),
        too_long_message=_("At most 500 characters."),
    )
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
