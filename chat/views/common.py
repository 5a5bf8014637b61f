from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from chat.page_parts import CONVERSATION_PAGE
from chat.selectors import message_page
from chat.serializers import conversation_out, message_out
from common.site_time import site_time_full, site_zone_label


def time_label(iso: str | None, *, with_date: bool = False) -> str:
    """12:30 today, 11-20 12:30 before, in the site's zone: the same rule chat.js uses for live messages
    (it is given the zone: the browser's own zone never shows on a chat screen)."""
    if not iso:
        return ""
    moment = timezone.localtime(parse_datetime(iso), timezone.get_default_timezone())
    if not with_date and moment.date() == timezone.localdate(timezone=timezone.get_default_timezone()):
        return moment.strftime("%H:%M")
    return moment.strftime("%m-%d %H:%M")


def offer_order_url(offer_config: dict, number: str) -> str:
    """The order an accepted offer made: the buyer's order page, or the shop's order list at that order."""
    if offer_config["role"] == "buyer":
        return offer_config["orderUrl"].replace("0" * 8, number)
    return f"{offer_config['orderUrl']}#order-{number}"


def time_title(iso: str | None) -> str:
    """The full time with its zone, for the tooltip of a chat time."""
    return site_time_full(parse_datetime(iso)) if iso else ""


def chat_strings() -> dict[str, str]:
    """The words chat.js shows, translated on the server."""
    return {
        "read": _("Read"),
        "unread": _("Unread"),
        "typing": _("typing…"),
        "sending": _("Sending…"),
        "failed": _("Not sent. Tap to retry."),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "tooLong": _("A message is at most 2,000 characters."),
        "rateLimited": _("You are sending messages too fast. Wait a few seconds."),
        "gone": _("You can no longer see this conversation."),
        "loggedOut": _("Log in again to keep chatting."),
        "noMessages": _("No messages yet"),
        "product": _("Product"),
        "view": _("View"),
        "buyer": _("Buyer"),
        "seller": _("Seller"),
        "online": _("Connected"),
        "masked": _("Contact details hidden: pay here, where escrow protects you."),
        "photoHeld": _("This photo has a QR code: it waits for our team before the other side sees it."),
        "photoRejected": _("This photo was not delivered: pay here, where escrow protects you."),
        # chat.js shows live messages' times in this zone, as the page shows the ones it rendered.
        "timeZone": settings.TIME_ZONE,
        "zoneLabel": site_zone_label(),
    }


def conversation_rows(conversations, *, role: str) -> list[dict]:
    rows = []
    for conversation in conversations:
        row = conversation_out(conversation, role=role)
        row["url"] = (
            reverse("chat:conversation", args=[conversation.pk])
            if role == "buyer"
            else reverse("seller:inbox-conversation", args=[conversation.pk])
        )
        row["name"] = conversation.shop.name if role == "buyer" else conversation.buyer.username
        row["time"] = time_label(row["last_message_at"])
        row["time_title"] = time_title(row["last_message_at"])
        rows.append(row)
    return rows


def list_config(*, role: str) -> dict:
    return {
        "role": role,
        "ws": "/ws/chat/inbox/",
        "rowUrl": reverse("chat:conversation", args=[0])
        if role == "buyer"
        else reverse("seller:inbox-conversation", args=[0]),
        "shopInboxUrl": reverse("seller:inbox"),
    }


def thread_context(request, conversation) -> dict:
    """What the conversation template and chat.js need, for either side."""
    role = conversation.viewer_role
    page = message_page(conversation=conversation, viewer_role=role, limit=50)
    other_last_read = conversation.shop_last_read_id if role == "buyer" else conversation.buyer_last_read_id
    items = [message_out(m) for m in page.messages]
    shown = [
        dict(
            item,
            time=time_label(item["created_at"]),
            title=time_title(item["created_at"]),
            mine=item["sender"]["role"] == role,
        )
        for item in items
    ]
    config = {
        "conversation": conversation.pk,
        "role": role,
        "me": request.user.pk,
        "ws": f"/ws/chat/{conversation.pk}/",
        "messagesUrl": reverse("api:conversation-messages", args=[conversation.pk]),
        "lastId": items[-1]["id"] if items else 0,
        "firstId": items[0]["id"] if items else 0,
        "hasOlder": page.has_older,
        "otherLastRead": other_last_read,
        "shopInboxUrl": reverse("seller:inbox"),
        # The counter-proposals on the page, for the shop's "make an offer from this" (chat.js).
        "proposals": {str(item["proposal"]["id"]): item["proposal"] for item in items if item["proposal"]},
    }
    product = conversation.product if conversation.product and conversation.product.visible else None
    # Other apps' parts (offers: the cards' states, the offer form, the accept sheet).
    parts = CONVERSATION_PAGE.context(versions=None, conversation=conversation, user=request.user, role=role)
    offer_config = parts.get("offer_config", {})
    states = offer_config.get("states", {})
    for item in shown:
        if item["offer"]:  # the card as it was sent, and the offer's state now (chat.js keeps it live)
            state = states.get(str(item["offer"]["id"]))
            item["offer_state"] = state
            if state:
                item["offer_status_label"] = offer_config["strings"]["status"].get(state["status"], "")
                if state["order"]:
                    item["offer_order_url"] = offer_order_url(offer_config, state["order"]["number"])
            item["offer_valid"] = time_label(item["offer"]["expires_at"], with_date=True)
    return {
        **parts,
        "conversation": conversation,
        "role": role,
        "thread_messages": shown,
        "chat_config": config,
        "chat_strings": chat_strings(),
        "other_last_read": other_last_read,
        "has_older": page.has_older,
        "pinned_product": product,
        "other_name": conversation.shop.name if role == "buyer" else conversation.buyer.username,
        "zone_label": site_zone_label(),
    }
