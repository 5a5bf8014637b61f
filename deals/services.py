"""Flash deals: the seller starts one in a show; buyers claim it (an ordinary checkout at the deal's price);
an unpaid claim cancelled by the payment deadline gives its quantity back.

No oversell, ever: a claim takes the deal's `remaining` with a conditional UPDATE (remaining >= n, inside the
window) and the SKU's stock with the checkout's conditional UPDATE, both as the last statements of one
transaction (so the hot rows are locked only for them and the COMMIT, bench B7); the per-buyer limit is a
conditional UPDATE on the buyer's row of the deal (DealBuyer), which serialises one buyer's claims only.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Sku
from catalog.services.products import parse_price
from common.errors import NotFound, ValidationFailed
from common.idempotency import write_transaction
from common.ids import parse_id
from deals.broadcast import deal_push_on_commit, deal_remaining_changed_on_commit
from deals.errors import (
    DURATION_MAX,
    DURATION_MIN,
    PER_BUYER_LIMIT_MAX,
    STARTS_IN_MAX,
    STARTS_IN_MIN,
    DealLimitReached,
    DealOver,
    DealRunning,
    DealSoldOut,
    ShowNotOpenForDeals,
)
from deals.gate import deal_gate_forget, deal_gate_give, deal_gate_take
from deals.models import Deal, DealBuyer, DealClaim, DealStatus
from live.models import Show, ShowStatus
from orders.attribution import OrderSource
from orders.models import OrderEvent
from orders.services.cart import parse_quantity, parse_sku_id
from orders.services.checkout import CheckoutResult, OfferedTerms, checkout_place

logger = logging.getLogger(__name__)


def _whole(value: Any, *, field: str, minimum: int, maximum: int, message: str) -> int:
    """A whole number in [minimum, maximum]: no floats, exponents, booleans or text."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 6:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationFailed(fields={field: [message]})
    return value


# --- the seller starts a deal ------------------------------------------------------------------------


def _deal_sku(*, show: Show, sku: Any) -> Sku:
    """A SKU of the show's shop, on sale; another shop's SKU (or none) is 404, as if not there."""
    found = Sku.objects.select_related("product").filter(pk=parse_sku_id(sku), product__shop_id=show.shop_id).first()
    if found is None:
        raise NotFound(_("No such SKU in your shop."))
    if not (found.is_active and found.product.visible):
        raise ValidationFailed(fields={"sku": [_("%(title)s is not on sale.") % {"title": found.product.title}]})
    return found


def deal_create(
    *,
    show: Show,
    sku: Any,
    price: Any,
    quantity: Any,
    per_buyer_limit: Any,
    starts_in_seconds: Any,
    duration_seconds: Any,
    now: datetime | None = None,
) -> Deal:
    """Everything is checked before anything is written; then the show's row is locked so two deals
    started at once cannot both be the show's one open or upcoming deal (409 deal_running)."""
    now = now or timezone.now()
    found = _deal_sku(show=show, sku=sku)
    price = parse_price(price)
    if price >= found.price:
        raise ValidationFailed(
            fields={"price": [_("A deal's price must be below the list price (%(price)s).") % {"price": found.price}]}
        )
    quantity = parse_quantity(quantity)
    if quantity > found.stock:
        raise ValidationFailed(fields={"quantity": [_("Only %(n)d in stock.") % {"n": max(found.stock, 0)}]})
    limit = _whole(
        per_buyer_limit,
        field="per_buyer_limit",
        minimum=1,
        maximum=PER_BUYER_LIMIT_MAX,
        message=_("A per-buyer limit is a whole number from 1 to %(max)d.") % {"max": PER_BUYER_LIMIT_MAX},
    )
    starts_in = _whole(
        starts_in_seconds,
        field="starts_in_seconds",
        minimum=STARTS_IN_MIN,
        maximum=STARTS_IN_MAX,
        message=_("The countdown is %(min)d to %(max)d seconds.") % {"min": STARTS_IN_MIN, "max": STARTS_IN_MAX},
    )
    duration = _whole(
        duration_seconds,
        field="duration_seconds",
        minimum=DURATION_MIN,
        maximum=DURATION_MAX,
        message=_("A deal lasts %(min)d to %(max)d minutes.") % {"min": DURATION_MIN // 60, "max": DURATION_MAX // 60},
    )
    with transaction.atomic():
        locked = Show.objects.select_for_update().get(pk=show.pk)
        if locked.status not in (ShowStatus.SCHEDULED, ShowStatus.LIVE):
            raise ShowNotOpenForDeals()
        if Deal.objects.filter(show_id=show.pk, ends_at__gt=now).exists():
            raise DealRunning()
        starts_at = now + timedelta(seconds=starts_in)
        deal = Deal.objects.create(
            show=locked,
            sku=found,
            price=price,
            quantity=quantity,
            remaining=quantity,
            per_buyer_limit=limit,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(seconds=duration),
        )
        deal_push_on_commit(deal.pk)
        _status_pushes_schedule_on_commit(deal)
    return deal


def _status_pushes_schedule_on_commit(deal: Deal) -> None:
    """The room's `deal` frames at open and at end, on the server's clock (Celery eta)."""
    from deals.tasks import deal_status_push_task

    def schedule() -> None:
        for at in (deal.starts_at, deal.ends_at):
            try:
                deal_status_push_task.apply_async((deal.pk,), eta=at)
            except Exception:  # the status is derived from the clock on every read: only the push is lost
                logger.exception("could not schedule the deal's status push")

    transaction.on_commit(schedule, robust=True)


# --- a buyer claims --------------------------------------------------------------------------------------


def deal_claim(
    *, buyer, show: Show, deal_id: Any, quantity: Any, address: Any, now: datetime | None = None
) -> tuple[Deal, CheckoutResult]:
    """An ordinary checkout of the deal's SKU at the deal's price (escrow and payment as any order), the
    order attributed to the show. Joins the Idempotency-Key's transaction when there is one.

    409 `deal_over` outside the window, `out_of_stock` when the deal (or the SKU) has too few left,
    `limit_reached` past the per-buyer limit; then nothing is written."""
    now = now or timezone.now()
    deal = Deal.objects.select_related("sku").filter(pk=parse_id(deal_id), show_id=show.pk).first()
    if deal is None:
        raise NotFound()
    quantity = parse_quantity(quantity)
    status = deal.status_at(now)
    if status == DealStatus.UPCOMING:
        raise DealOver(_("This deal has not started yet."))
    if status == DealStatus.ENDED:
        raise DealOver(_("This deal has ended."))
    if quantity > deal.per_buyer_limit:
        raise DealLimitReached(_("At most %(n)d per buyer.") % {"n": deal.per_buyer_limit})
    if deal.remaining < quantity:  # as of this read; the conditional UPDATE below is the authority
        raise DealSoldOut()
    if not deal_gate_take(deal_id=deal.pk, remaining=deal.remaining, quantity=quantity):
        raise DealSoldOut()  # every unit left is being claimed right now
    try:
        with write_transaction(lock_wait_ms=settings.CHECKOUT_LOCK_WAIT_MS) as tx:
            _buyer_take(deal=deal, buyer=buyer, quantity=quantity)
            # Before the checkout's stock UPDATE (also last): the deal's row, then the SKU's, in every claim.
            tx.run_last(lambda: _remaining_take(deal=deal, quantity=quantity, now=now))
            result = checkout_place(
                buyer=buyer,
                address=address,
                items=[{"sku": deal.sku_id, "quantity": quantity}],
                offered=OfferedTerms(prices={deal.sku_id: deal.price}, shipping_fee=Decimal("0.00")),
                now=now,
                source=OrderSource(kind="show", id=show.pk, shop_id=show.shop_id),
            )
            DealClaim.objects.create(deal=deal, buyer=buyer, order=result.orders[0], quantity=quantity)
            deal_remaining_changed_on_commit(show_id=show.pk, deal_id=deal.pk)
    except BaseException:
        deal_gate_give(deal_id=deal.pk, quantity=quantity)
        raise
    return deal, result


def _buyer_take(*, deal: Deal, buyer, quantity: int) -> None:
    """The per-buyer limit: the buyer's row of the deal, raised only while it stays within the limit. A
    second claim of the same buyer waits on this row (or on its unique index) until the first commits."""
    row_id = DealBuyer.objects.filter(deal=deal, buyer=buyer).values_list("pk", flat=True).first()
    if row_id is None:
        try:
            with transaction.atomic():
                row_id = DealBuyer.objects.create(deal=deal, buyer=buyer).pk
        except IntegrityError:  # the buyer's other claim made it first (and committed)
            row_id = DealBuyer.objects.get(deal=deal, buyer=buyer).pk
    taken = DealBuyer.objects.filter(pk=row_id, claimed__lte=deal.per_buyer_limit - quantity).update(
        claimed=F("claimed") + quantity, updated_at=timezone.now()
    )
    if not taken:
        raise DealLimitReached(_("At most %(n)d per buyer.") % {"n": deal.per_buyer_limit})


def _remaining_take(*, deal: Deal, quantity: int, now: datetime) -> None:
    taken = Deal.objects.filter(pk=deal.pk, remaining__gte=quantity, starts_at__lte=now, ends_at__gt=now).update(
        remaining=F("remaining") - quantity, updated_at=now
    )
    if not taken:
        raise DealSoldOut()


# --- an unpaid claim cancelled gives its quantity back ---------------------------------------------------


def deal_claims_release(*, event_ids: list[int]) -> int:
    """orders' cancelled events (at-least-once): each claim whose order they cancel goes back to its deal
    and its buyer's limit, once (the claim's `released` flips with a conditional UPDATE keyed on the event)."""
    rows = list(
        OrderEvent.objects.filter(pk__in=event_ids, type=OrderEvent.Type.CANCELLED).values_list("pk", "order_id")
    )
    released = 0
    for event_id, order_id in rows:
        claim = DealClaim.objects.filter(order_id=order_id, released=False).values("pk", "deal_id", "buyer_id").first()
        if claim is not None and deal_claim_release(claim_id=claim["pk"], event_id=event_id):
            released += 1
    return released


def deal_claims_release_sweep(*, limit: int = 500) -> int:
    """The claims still held whose order was cancelled: their event's signal was lost (the process stopped
    between the commit and the receiver). Beat runs this; each goes back as the receiver would have, once."""
    held = DealClaim.objects.filter(released=False).values("order_id")
    event_ids = list(
        OrderEvent.objects.filter(type=OrderEvent.Type.CANCELLED, order_id__in=held)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return deal_claims_release(event_ids=event_ids)


@transaction.atomic
def deal_claim_release(*, claim_id: int, event_id: int) -> bool:
    claim = DealClaim.objects.filter(pk=claim_id).values("deal_id", "deal__show_id", "buyer_id", "quantity").first()
    if claim is None:
        return False
    if not DealClaim.objects.filter(pk=claim_id, released=False).update(
        released=True, released_by_event=event_id, updated_at=timezone.now()
    ):
        return False  # released already (the same event delivered twice)
    # The buyer's row before the deal's, as a claim takes them (no deadlock with a claim of the same buyer).
    DealBuyer.objects.filter(deal_id=claim["deal_id"], buyer_id=claim["buyer_id"]).update(
        claimed=F("claimed") - claim["quantity"]
    )
    Deal.objects.filter(pk=claim["deal_id"]).update(remaining=F("remaining") + claim["quantity"])
    deal_remaining_changed_on_commit(show_id=claim["deal__show_id"], deal_id=claim["deal_id"])
    transaction.on_commit(lambda: deal_gate_forget(deal_id=claim["deal_id"]), robust=True)
    return True
