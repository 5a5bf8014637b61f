"""Tips: a viewer sends one of the fixed amounts to a live show's shop, paid through the payment provider.

Caps (TIP_CAP_PER_TIP, TIP_CAP_PER_SHOW per viewer per show, TIP_CAP_PER_DAY per viewer per site day) count
paid tips and pending ones whose payment may still arrive; one sender's tips are written one at a time
(a row lock on the sender), so parallel tips never pass a cap. On the provider's success notification
(payments.signals.payment_event_confirmed) the tip goes from escrow to the shop's available balance at
once, less the tip commission (TIP_COMMISSION_RATE), once, and the room sees a `tip` frame. Never refunded
(payments refuses the TIP- references: references_not_refundable, in TipsConfig.ready()).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from live.models import Show, ShowStatus
from live.services.broadcast import room_push_on_commit
from orders.models import Order
from payments.models import Payment
from payments.services import payment_create, payment_pay_url
from payments.services.ledger import escrow_release
from payments.services.payments import AllocationSpec
from tips.errors import ShowNotLive, TipLimit, TipNeedsOrder, TipOwnShow
from tips.models import Tip, tip_id_from_reference
from tips.rules import parse_tip_amount, tip_commission, tip_payment_deadline
from tips.selectors import sender_tipped
from tips.serializers import tip_frame

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TipPlaced:
    tip: Tip
    payment: Payment
    pay_url: str


def _cap(name: str) -> Decimal:
    return Decimal(str(getattr(settings, name)))


def _check_sender(*, user, show: Show) -> None:
    if show.status != ShowStatus.LIVE:
        raise ShowNotLive()
    if show.shop.members.filter(user=user).exists():
        raise TipOwnShow()
    if not Order.objects.filter(buyer=user, status=Order.Status.COMPLETED).exists():
        raise TipNeedsOrder()


def _check_caps(*, user, show: Show, amount: Decimal, now: datetime) -> None:
    """Under the sender's row lock: what they tipped already, with this one, stays within the caps."""
    in_show, today = sender_tipped(sender_id=user.pk, show_id=show.pk, now=now)
    for done, cap, message in (
        (in_show, _cap("TIP_CAP_PER_SHOW"), _("You can tip at most ¥%(cap)s in one show (¥%(done)s so far).")),
        (today, _cap("TIP_CAP_PER_DAY"), _("You can tip at most ¥%(cap)s a day (¥%(done)s so far today).")),
    ):
        if done + amount > cap:
            raise TipLimit(message % {"cap": cap, "done": done})


@transaction.atomic
def tip_send(*, user, show: Show, amount: object, return_url: str = "", now: datetime | None = None) -> TipPlaced:
    """A pending tip and its payment (payable for TIP_PAYMENT_MINUTES); the buyer pays at `pay_url`."""
    amount = parse_tip_amount(amount)
    if amount > _cap("TIP_CAP_PER_TIP"):
        raise TipLimit(_("One tip can be at most ¥%(cap)s.") % {"cap": _cap("TIP_CAP_PER_TIP")})
    _check_sender(user=user, show=show)
    now = now or timezone.now()
    # One sender's tips one at a time: the caps below see every tip the sender's other requests wrote. NO KEY:
    # the sender's own checkouts (a payment's foreign key takes KEY SHARE on the row) are not held up.
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk", flat=True).get()
    _check_caps(user=user, show=show, amount=amount, now=now)
    tip = Tip.objects.create(show=show, sender=user, shop_id=show.shop_id, amount=amount)
    payment = payment_create(
        buyer=user,
        allocations=[AllocationSpec(shop_id=show.shop_id, reference=tip.reference, amount=amount)],
        return_url=return_url,
        expires_at=now + tip_payment_deadline(),
    )
    tip.payment = payment
    tip.save(update_fields=["payment", "updated_at"])
    return TipPlaced(tip=tip, payment=payment, pay_url=payment_pay_url(payment=payment))


def _tips_locked(*, payment_id: int, references: list[str]) -> list[Tip]:
    ids = [pk for pk in map(tip_id_from_reference, references) if pk is not None]
    if not ids:
        return []
    return list(
        Tip.objects.select_for_update(of=("self",))
        .select_related("sender", "payment")
        .filter(pk__in=ids, payment_id=payment_id)
        .order_by("pk")
    )


@transaction.atomic
def tips_mark_paid(*, payment_id: int, references: list[str], now: datetime | None = None) -> list[Tip]:
    """The provider confirmed the payment (payments.signals.payment_event_confirmed; payment locked): each
    tip not yet paid is paid, its money posted to the shop's available balance less the commission (once:
    the ledger keys the posting by the tip's reference), and the room sees it."""
    now = now or timezone.now()
    paid = []
    for tip in _tips_locked(payment_id=payment_id, references=references):
        if tip.status == Tip.Status.PAID:
            continue
        tip.status, tip.paid_at, tip.commission = Tip.Status.PAID, now, tip_commission(tip.amount)
        tip.save(update_fields=["status", "paid_at", "commission", "updated_at"])
        escrow_release(
            available_at_once=True,
            shop_id=tip.shop_id,
            reference=tip.reference,
            amount=tip.amount,
            commission=tip.commission,
            currency=tip.payment.currency,
            payment_id=payment_id,
        )
        room_push_on_commit(tip.show_id, tip_frame(tip))
        paid.append(tip)
    return paid


@transaction.atomic
def tips_fail_for_expired_payment(*, payment_id: int, references: list[str]) -> int:
    """The payment passed its deadline unpaid (payments.signals.payment_expired): its tips failed."""
    failed = 0
    for tip in _tips_locked(payment_id=payment_id, references=references):
        if tip.status == Tip.Status.PENDING:
            tip.status = Tip.Status.FAILED
            tip.save(update_fields=["status", "updated_at"])
            failed += 1
    return failed
