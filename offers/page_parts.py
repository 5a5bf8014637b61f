"""Offers' part of the conversation page (chat.page_parts): the offer cards' states, and what the forms need
— the seller's offer form (the shop's SKUs), the buyer's accept sheet (the address prefilled as the cart's
checkout does) and counter-proposal form, the unpaid orders whose price the seller may lower (改价)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chat.page_parts import CONVERSATION_PAGE
from offers import rules
from offers.models import Offer
from offers.selectors import conversation_offers, conversation_unpaid_orders, offer_sku_choices
from offers.serializers import OfferOut
from orders.forms import AddressForm
from orders.models import MAX_QUANTITY, Order
from orders.selectors.order_lists import buyer_last_address
from orders.services.price_changes import PRICE_CHANGES_MAX

# The newest offers of a conversation whose state the page shows on their cards (older ones ask the API).
STATES_SHOWN = 50


def offer_strings() -> dict:
    """The words chat.js shows on offer and counter-proposal cards, translated on the server."""
    return {
        # "Pending" alone is a payout's 待结算: an offer waits for the buyer's answer.
        "orderStatus": dict(Order.Status.choices),
        "status": {**dict(Offer.Status.choices), Offer.Status.PENDING: pgettext("offer status", "Pending")},
        "offer": _("Offer"),
        "proposal": _("Counter-proposal"),
        "shipping": pgettext("offer card", "Shipping"),
        "freeShipping": _("Free shipping"),
        "total": _("Total"),
        "validUntil": _("Valid until %s"),
        "accept": _("Accept and pay"),
        "decline": _("Decline"),
        "withdraw": _("Withdraw"),
        "order": _("Order %s"),
        "viewOrder": _("View order"),
        "makeOffer": _("Make an offer from this"),
        "proposedTotal": _("Proposed total"),
        "listPrice": _("List price ¥%s"),
        "confirmDecline": _("Tap again to decline"),
        "confirmWithdraw": _("Tap again to withdraw"),
        "failed": _("Something went wrong. Try again."),
        "offline": _("No connection. Check your network and try again."),
        "proposalHint": _("The buyer proposes ¥%s for all of it."),
        "listTotal": _("At list prices ¥%s"),
        "youSave": _("Saves ¥%s"),
        "acceptTotal": _("Accept and pay ¥%s"),
        "sending": _("Sending…"),
    }


def conversation_context(*, version=None, conversation, user, role: str) -> dict:
    offers = conversation_offers(conversation_id=conversation.pk)[:STATES_SHOWN]
    config = {
        "role": role,
        "offersUrl": reverse("api:conversation-offers", args=[conversation.pk]),
        "proposalsUrl": reverse("api:conversation-proposals", args=[conversation.pk]),
        "offerUrl": reverse("api:offer-detail", args=[0]),
        "orderUrl": reverse("orders:order-detail", args=["0" * 8]) if role == "buyer" else reverse("seller:orders"),
        "product": conversation.product_id,
        "hours": {
            "min": rules.EXPIRES_IN_HOURS_MIN,
            "max": rules.EXPIRES_IN_HOURS_MAX,
            "default": rules.EXPIRES_IN_HOURS_DEFAULT,
        },
        "linesMax": rules.LINES_MAX,
        "maxQuantity": MAX_QUANTITY,
        "strings": offer_strings(),
        "skus": offer_sku_choices(shop_id=conversation.shop_id),
        "states": {str(offer.pk): OfferOut(offer).data for offer in offers},
    }
    context = {"offer_config": config}
    if role == "buyer":
        context["accept_form"] = AddressForm(initial=buyer_last_address(user=user), prefix="address")
    else:
        context["unpaid_orders"] = [
            {"order": order, "changes_left": max(PRICE_CHANGES_MAX - order.price_changes, 0)}
            for order in conversation_unpaid_orders(conversation=conversation)
        ]
    return context


def connect() -> None:
    CONVERSATION_PAGE.register(name="offers", version=lambda **params: None, context=conversation_context)
