"""An order event as one translated sentence (the operator console's order history), never its raw data."""

from __future__ import annotations

from django.utils.translation import gettext as _

from orders.models import OrderEvent

Type = OrderEvent.Type


def order_event_sentence(event: OrderEvent) -> str:
    data = event.data or {}
    who = str(event.actor) if event.actor_id else _("the platform")
    values = {
        "who": who,
        "amount": data.get("amount", ""),
        "total": data.get("total", ""),
        "commission": data.get("commission", ""),
        "carrier": data.get("carrier", ""),
        "tracking": data.get("tracking_number", ""),
        "note": data.get("note", "") or "—",
        "rating": data.get("rating", ""),
        "request": data.get("refund_request", ""),
        "previous": data.get("previous", ""),
    }
    if event.type == Type.PLACED:
        text = _("%(who)s placed the order (¥%(total)s).")
    elif event.type == Type.PAID:
        text = _("Paid; the money is held by the platform until the buyer confirms receipt.")
    elif event.type == Type.CANCELLED:
        if data.get("reason") == "payment_deadline":
            text = _("Cancelled automatically: not paid in time.")
        else:
            text = _("Cancelled by %(who)s.")
    elif event.type == Type.SHIPPED:
        text = _("%(who)s shipped it with %(carrier)s, tracking number %(tracking)s.")
    elif event.type == Type.RECEIPT_CONFIRMED:
        if data.get("auto"):
            text = _("Receipt confirmed automatically; ¥%(amount)s released to the shop (commission ¥%(commission)s).")
        else:
            text = _("%(who)s confirmed receipt; ¥%(amount)s released to the shop (commission ¥%(commission)s).")
    elif event.type == Type.REFUND_REQUESTED:
        if data.get("return_goods"):
            text = _("%(who)s asked for a refund of ¥%(amount)s, returning the goods (request %(request)s).")
        else:
            text = _("%(who)s asked for a refund of ¥%(amount)s (request %(request)s).")
    elif event.type == Type.REFUND_ACCEPTED:
        text = _("%(who)s accepted refund request %(request)s.")
    elif event.type == Type.REFUND_REJECTED:
        text = _("%(who)s rejected refund request %(request)s: %(note)s")
    elif event.type == Type.REFUND_ESCALATED:
        if data.get("reason") == "no_answer":
            text = _("Refund request %(request)s went to the platform: the seller did not answer in time.")
        else:
            text = _("Refund request %(request)s went to the platform after the seller rejected it.")
    elif event.type == Type.REFUND_DENIED:
        text = _("%(who)s denied refund request %(request)s for the platform: %(note)s")
    elif event.type == Type.REFUNDED:
        text = _("¥%(amount)s refunded to the buyer.")
    elif event.type == Type.PRICE_CHANGED:
        text = _("%(who)s lowered the price from ¥%(previous)s to ¥%(total)s before payment.")
    elif event.type == Type.REVIEWED:
        text = _("%(who)s reviewed the order: %(rating)s of 5 stars.")
    else:
        return str(event.get_type_display())
    return text % values
