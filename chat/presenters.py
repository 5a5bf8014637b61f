"""Plain dicts for the API, the WebSocket frames and the pages: one shape everywhere."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from catalog.models import Product
from chat.models import Conversation, Message


def product_url(product_id: int) -> str:
    """The product page; the catalogue's URL name is tried first, then its conventional path."""
    for name in ("product", "catalog:product"):
        try:
            return reverse(name, args=[product_id])
        except NoReverseMatch:
            continue
    return f"/product/{product_id}/"


def product_card(product: Product) -> dict[str, Any]:
    """What a product card shows; stored with the message as it was when sent."""
    image = product.images.order_by("position", "id").first()
    image_url = None
    if image is not None:
        image_url = (image.thumbnail or image.image).url
    return {
        "id": product.pk,
        "title": product.title,
        "price": f"{product.price_min:.2f}",
        "currency": "CNY",
        "image_url": image_url,
        "url": product_url(product.pk),
    }


def user_data(user) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username}


def message_data(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "sender": {"id": message.sender_id, "username": message.sender.username, "role": message.sender_role},
        "text": message.text,
        "product": message.product_card,
        "image_url": message.image.url if message.image else None,
        "created_at": message.created_at.isoformat(),
        "client_id": message.client_id or None,
    }


def message_preview(message: Message | None) -> str:
    if message is None:
        return ""
    if message.text:
        return message.text[:80]
    if message.product_card:
        return f"[🛍] {message.product_card.get('title', '')}"[:80]
    if message.image:
        return "[📷]"
    return ""


def conversation_data(conversation: Conversation, *, role: str) -> dict[str, Any]:
    """One row of "my chats" or the seller inbox, from the viewer's side."""
    last = conversation.last_message
    product = conversation.product
    return {
        "id": conversation.pk,
        "role": role,
        "shop": {"slug": conversation.shop.slug, "name": conversation.shop.name},
        "buyer": user_data(conversation.buyer),
        "product": {"id": product.pk, "title": product.title} if product is not None else None,
        "unread": conversation.buyer_unread if role == "buyer" else conversation.shop_unread,
        "last_message": None
        if last is None
        else {
            "id": last.pk,
            "text": message_preview(last),
            "sender_role": last.sender_role,
            "created_at": last.created_at.isoformat(),
        },
        "last_message_at": conversation.last_message_at.isoformat() if conversation.last_message_at else None,
        "other_last_read_id": conversation.shop_last_read_id if role == "buyer" else conversation.buyer_last_read_id,
        "reported": conversation.reported,
    }
