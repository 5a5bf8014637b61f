"""Offers: a seller proposes, the buyer declines or accepts (a checkout at the offer's prices), the seller
withdraws, time expires it, and a newer offer in the same conversation supersedes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Sku
from catalog.services.products import parse_price
from chat.models import Conversation, Role
from chat.serializers import OfferCardOut, ProposalCardOut
from chat.services import conversation_event_send_on_commit, message_offer_post
from chat.services.messages import message_proposal_post
from common.errors import NotFound, PermissionDeniedError, RateLimited, ValidationFailed
from common.idempotency import write_transaction
from common.ids import parse_id
from common.ratelimit import rate_limit_hit
from common.sweeps import overdue_sweep
from common.text import clean_text
from offers import rules
from offers.errors import OfferNotPending
from offers.models import Offer, OfferLine, Proposal, ProposalLine
from offers.selectors import offer_with_lines, proposal_with_lines
from offers.serializers import OfferOut
from orders.services.cart import parse_quantity
from orders.services.checkout import CheckoutResult, OfferedTerms, checkout_place
from safety.models import Source
from safety.services import chat_mute_check, text_screen


@dataclass(frozen=True)
class LineIn:
    sku_id: int
    quantity: int
    price: Decimal | None  # None: a counter-proposal's line that leaves the price to its total


def _money(value: Any, *, field: str, minimum: Decimal, maximum: Decimal) -> Decimal:
    error = ValidationFailed(
        fields={
            field: [
                _("Give an amount from %(min)s to %(max)s with at most two decimals.")
                % {"min": minimum, "max": maximum}
            ]
        }
    )
    if not isinstance(value, str | Decimal):  # money in the API is a decimal string (API.md), never a number
        raise error
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise error from exc
    if not amount.is_finite() or not minimum <= amount <= maximum or amount != amount.quantize(Decimal("0.01")):
        raise error
    return amount.quantize(Decimal("0.01"))


def _whole_number(value: Any, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationFailed(
            fields={field: [_("Give a whole number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}]}
        )
    return value


def offer_lines_clean(lines: Any, *, price_required: bool = True) -> list[LineIn]:
    """An offer's lines; a counter-proposal's (price_required=False) may leave a line's price to its total."""
    if not isinstance(lines, list) or not 1 <= len(lines) <= rules.LINES_MAX:
        raise ValidationFailed(fields={"lines": [_("Give from 1 to %(max)s lines.") % {"max": rules.LINES_MAX}]})
    cleaned, seen = [], set()
    for index, line in enumerate(lines):
        field = f"lines.{index}"
        if not isinstance(line, dict):
            message = (
                _("Each line needs a SKU, a quantity and a price.")
                if price_required
                else _("Each line needs a SKU and a quantity.")
            )
            raise ValidationFailed(fields={field: [message]})
        sku_id = parse_id(line.get("sku"), field=f"{field}.sku", message=_("Give the SKU's id."))
        if sku_id in seen:
            raise ValidationFailed(fields={f"{field}.sku": [_("Each SKU may appear once.")]})
        seen.add(sku_id)
        # An offered price follows a SKU's price rule, a quantity the cart's (one rule each, written once).
        quantity = parse_quantity(line.get("quantity"), field=f"{field}.quantity")
        price = line.get("price")
        price = None if not price_required and price is None else parse_price(price, field=f"{field}.price")
        cleaned.append(LineIn(sku_id, quantity, price))
    return cleaned


def _shop_skus(lines: list[LineIn], *, shop_id: int) -> dict[int, Sku]:
    """The lines' SKUs, each of them sold by this shop (or 404: an offer names only the shop's own)."""
    skus = {
        sku.pk: sku
        for sku in Sku.objects.select_related("product").filter(
            pk__in=[line.sku_id for line in lines], product__shop_id=shop_id
        )
    }
    if len(skus) != len(lines):
        raise NotFound(_("One of these SKUs is not sold by this shop."))
    return skus


def _seller_side(user, conversation: Conversation) -> None:
    if conversation.role_of(user) != Role.SELLER:
        raise PermissionDeniedError(_("Only the shop can make an offer."))


@transaction.atomic
def offer_create(
    *,
    user,
    conversation: Conversation,
    lines: Any,
    shipping_fee: Any = None,
    note: Any = "",
    expires_in_hours: Any = None,
    now: datetime | None = None,
) -> Offer:
    """The shop's offer to the conversation's buyer; supersedes the shop's pending offer there."""
    _seller_side(user, conversation)
    cleaned = offer_lines_clean(lines)
    fee = (
        Decimal("0.00")
        if shipping_fee is None
        else _money(shipping_fee, field="shipping_fee", minimum=Decimal("0.00"), maximum=rules.SHIPPING_FEE_MAX)
    )
    hours = (
        rules.EXPIRES_IN_HOURS_DEFAULT
        if expires_in_hours is None
        else _whole_number(
            expires_in_hours,
            field="expires_in_hours",
            minimum=rules.EXPIRES_IN_HOURS_MIN,
            maximum=rules.EXPIRES_IN_HOURS_MAX,
        )
    )
    note_text = clean_text(note, field="note", max_length=rules.NOTE_MAX_LENGTH)
    skus = _shop_skus(cleaned, shop_id=conversation.shop_id)
    now = now or timezone.now()
    if note_text:  # contact details in the note are masked and count as a strike, as in the chat
        note_text = text_screen(user=user, text=note_text, source=Source.OFFER, source_id=conversation.pk, now=now).text
    # One writer at a time per conversation: the supersede and the new pending offer are one step.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).values_list("pk", flat=True).get()
    superseded = list(
        Offer.objects.filter(conversation=conversation, status=Offer.Status.PENDING).values_list("pk", flat=True)
    )
    Offer.objects.filter(pk__in=superseded).update(status=Offer.Status.SUPERSEDED, decided_at=now, updated_at=now)
    offer = Offer.objects.create(
        conversation=conversation,
        shop_id=conversation.shop_id,
        buyer_id=conversation.buyer_id,
        created_by=user,
        shipping_fee=fee,
        total=sum((line.price * line.quantity for line in cleaned), fee),
        note=note_text,
        expires_at=now + timedelta(hours=hours),
    )
    OfferLine.objects.bulk_create(
        OfferLine(
            offer=offer,
            sku=skus[line.sku_id],
            quantity=line.quantity,
            price=line.price,
            list_price=skus[line.sku_id].price,
        )
        for line in cleaned
    )
    # The card in the chat (both sides, live), and the superseded offers' new state.
    message_offer_post(
        user=user, conversation_id=conversation.pk, card=dict(OfferCardOut(offer_with_lines(offer.pk)).data)
    )
    for offer_id in superseded:
        offer_announce(offer_id)
    return offer


def offer_announce(offer_id: int) -> None:
    """The offer's state to everyone in its conversation (an `offer` frame), after the commit; pages re-render
    its card from it (static/js/chat.js), so sending it again is harmless."""
    offer = offer_with_lines(offer_id)
    data = OfferOut(offer).data
    conversation_event_send_on_commit(
        conversation_id=offer.conversation_id, event={"type": "chat.offer", "offer": data}
    )


def _decide(offer_id: int, status: str, *, now: datetime) -> Offer:
    """Moves a pending offer to `status`; 409 if it is no longer pending. An offer found past its time is
    marked expired (and that is kept) before the 409."""
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer_id)
        expired = offer.status == Offer.Status.PENDING and offer.expires_at <= now
        if expired:
            offer.status, offer.decided_at = Offer.Status.EXPIRED, offer.expires_at
        elif offer.status == Offer.Status.PENDING:
            offer.status, offer.decided_at = status, now
        else:
            raise OfferNotPending()
        offer.save(update_fields=["status", "decided_at", "updated_at"])
        offer_announce(offer.pk)
    if expired:
        raise OfferNotPending(_("This offer has expired."))
    return offer


def offer_withdraw(*, user, offer: Offer, now: datetime | None = None) -> Offer:
    if getattr(offer, "viewer_role", None) != "seller":
        raise PermissionDeniedError(_("Only the shop can withdraw its offer."))
    return _decide(offer.pk, Offer.Status.WITHDRAWN, now=now or timezone.now())


def offer_decline(*, user, offer: Offer, now: datetime | None = None) -> Offer:
    if offer.buyer_id != user.pk:
        raise PermissionDeniedError(_("Only the buyer can decline this offer."))
    return _decide(offer.pk, Offer.Status.DECLINED, now=now or timezone.now())


def offer_accept(*, user, offer: Offer, address: Any, now: datetime | None = None) -> tuple[Offer, CheckoutResult]:
    """The buyer accepts: an ordinary checkout at the offer's prices and shipping fee (stock reserved now, by
    the checkout's conditional UPDATE), one order and one payment, and the offer points at the order.

    The offer's row is locked first, so twenty accepts at once (or an accept racing a withdraw) make one
    order: the others find it no longer pending (409). Under an Idempotency-Key the same accept replays."""
    if offer.buyer_id != user.pk:
        raise PermissionDeniedError(_("Only the buyer can accept this offer."))
    now = now or timezone.now()
    with write_transaction(lock_wait_ms=settings.CHECKOUT_LOCK_WAIT_MS):
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        if locked.status != Offer.Status.PENDING:
            raise OfferNotPending()
        if locked.expires_at <= now:  # the sweep marks it; this answer writes nothing
            raise OfferNotPending(_("This offer has expired."))
        lines = list(locked.lines.all())
        result = checkout_place(
            buyer=user,
            address=address,
            items=[{"sku": line.sku_id, "quantity": line.quantity} for line in lines],
            offered=OfferedTerms(prices={line.sku_id: line.price for line in lines}, shipping_fee=locked.shipping_fee),
            now=now,
        )
        locked.status, locked.decided_at, locked.order = Offer.Status.ACCEPTED, now, result.orders[0]
        locked.save(update_fields=["status", "decided_at", "order", "updated_at"])
        offer_announce(locked.pk)
    return locked, result


def offer_expire(offer_id: int, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer_id)
        if offer.status != Offer.Status.PENDING or offer.expires_at > now:
            return False
        offer.status, offer.decided_at = Offer.Status.EXPIRED, offer.expires_at
        offer.save(update_fields=["status", "decided_at", "updated_at"])
        offer_announce(offer.pk)
        return True


def offers_expire_overdue(*, now: datetime | None = None) -> int:
    """The beat task's sweep: pending offers past their time become expired."""
    now = now or timezone.now()
    due = Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=now)
    return overdue_sweep(due, lambda pk: offer_expire(pk, now=now), order_by="expires_at")


@transaction.atomic
def proposal_create(
    *, user, conversation: Conversation, lines: Any, total: Any = None, note: Any = "", now: datetime | None = None
) -> Proposal:
    """The buyer's counter-proposal (these SKUs and quantities, at these unit prices or for this total), posted
    into the conversation as a card the shop can turn into an offer. It reserves and binds nothing."""
    if conversation.role_of(user) != Role.BUYER:
        raise PermissionDeniedError(_("Only the buyer can send a counter-proposal."))
    cleaned = offer_lines_clean(lines, price_required=False)
    proposed_total = None if total is None else parse_price(total, field="total")
    if proposed_total is None and any(line.price is None for line in cleaned):
        raise ValidationFailed(fields={"total": [_("Name a total, or a price for every line.")]})
    note_text = clean_text(note, field="note", max_length=rules.NOTE_MAX_LENGTH)
    skus = _shop_skus(cleaned, shop_id=conversation.shop_id)
    chat_mute_check(user=user)
    wait = rate_limit_hit(scope="chat", identity=f"u{user.pk}")
    if wait is not None:
        raise RateLimited(_("You are sending messages too fast. Wait a few seconds."), retry_after=wait)
    now = now or timezone.now()
    if note_text:  # contact details are masked and count as a strike, as in an offer's note and the chat
        note_text = text_screen(user=user, text=note_text, source=Source.OFFER, source_id=conversation.pk, now=now).text
    proposal = Proposal.objects.create(
        conversation=conversation,
        shop_id=conversation.shop_id,
        buyer=user,
        total=proposed_total,
        note=note_text,
    )
    ProposalLine.objects.bulk_create(
        ProposalLine(
            proposal=proposal,
            sku=skus[line.sku_id],
            quantity=line.quantity,
            price=line.price,
            list_price=skus[line.sku_id].price,
        )
        for line in cleaned
    )
    proposal = proposal_with_lines(proposal.pk)
    message_proposal_post(user=user, conversation_id=conversation.pk, card=dict(ProposalCardOut(proposal).data))
    return proposal
