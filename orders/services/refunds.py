"""After-sale: refund requests, the seller's answer, escalation to an operator, and the refund itself.

Amounts are checked under the order's row lock: requests and refunds together never exceed what was
paid, even when sent concurrently (and payments checks again under the payment's lock).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import operator_action_record
from catalog.services import product_sales_add, stock_release
from common.errors import InvalidState, PermissionDeniedError, ValidationFailed
from common.sweeps import overdue_sweep
from common.text import clean_text
from orders.lock_objects import order_lock
from orders.models import Order, OrderEvent, RefundRequest
from orders.services.events import order_event_add
from orders.services.lifecycle import order_sold_items, order_stock_items
from payments.services import refund_create

# A refund's rules (the API's serializers and the pages' forms declare these, the service enforces).
REASON_MAX_LENGTH = RefundRequest._meta.get_field("reason").max_length
NOTE_MAX_LENGTH = RefundRequest._meta.get_field("seller_note").max_length
AMOUNT_MIN = Decimal("0.01")
AMOUNT_MAX = Decimal(10**9)


def parse_amount(value: Any, *, field: str = "amount") -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise ValidationFailed(fields={field: [_('Give the amount as a decimal string such as "28.00".')]})
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationFailed(fields={field: [_("Not a valid amount.")]}) from exc
    if not amount.is_finite() or amount < AMOUNT_MIN or amount != amount.quantize(AMOUNT_MIN) or amount > AMOUNT_MAX:
        raise ValidationFailed(fields={field: [_("An amount is more than 0, with at most two decimals.")]})
    return amount.quantize(AMOUNT_MIN)


def _note(value: Any, *, field: str = "note", required: bool = False) -> str:
    return clean_text(value, field=field, required=required, max_length=NOTE_MAX_LENGTH, required_message=_("Say why."))


def order_refundable_amount(*, order: Order) -> Decimal:
    """What was paid less what is refunded or being refunded."""
    taken = (
        RefundRequest.objects.filter(order=order)
        .exclude(status=RefundRequest.Status.REJECTED)
        .aggregate(s=Sum("amount"))["s"]
    )
    return order.total - (taken or Decimal("0.00"))


def _auto_confirm_resume(*, order: Order, refund_request: RefundRequest, now: datetime) -> None:
    if order.status == Order.Status.SHIPPED and order.auto_confirm_at is None:
        order.auto_confirm_at = now + (refund_request.auto_confirm_remaining or timedelta(0))
        order.save(update_fields=["auto_confirm_at", "updated_at"])


@transaction.atomic
def refund_request_create(
    *, order_id: int, buyer, reason: Any, amount: Any = None, return_goods: Any = False, now: datetime | None = None
) -> RefundRequest:
    """While paid or shipped; pauses auto-confirm; the seller has REFUND_RESPONSE_HOURS to answer."""
    now = now or timezone.now()
    reason = clean_text(
        reason,
        field="reason",
        required=True,
        max_length=REASON_MAX_LENGTH,
        required_message=_("Tell the seller what went wrong."),
    )
    if not isinstance(return_goods, bool):
        raise ValidationFailed(fields={"return_goods": [_("true or false.")]})
    wanted = None if amount in (None, "") else parse_amount(amount)
    order = order_lock(order_id)
    if order.buyer_id != buyer.pk:
        raise InvalidState(_("Only the buyer can ask for a refund."))
    if not order.is_open_for_refund:
        raise InvalidState(_("A refund can be requested only for a paid or shipped order."))
    if RefundRequest.objects.open().filter(order=order).exists():
        raise InvalidState(_("A refund request is already open for this order."))
    refundable = order_refundable_amount(order=order)
    wanted = refundable if wanted is None else wanted
    if wanted <= 0 or wanted > refundable:
        raise ValidationFailed(
            fields={"amount": [_("At most %(max)s can still be refunded.") % {"max": f"{refundable:.2f}"}]}
        )
    remaining = max(order.auto_confirm_at - now, timedelta(0)) if order.auto_confirm_at else None
    request = RefundRequest.objects.create(
        order=order,
        requested_by=buyer,
        reason=reason,
        amount=wanted,
        return_goods=return_goods and order.status == Order.Status.SHIPPED,
        respond_by=now + timedelta(hours=settings.REFUND_RESPONSE_HOURS),
        auto_confirm_remaining=remaining,
    )
    if order.auto_confirm_at is not None:
        order.auto_confirm_at = None
        order.save(update_fields=["auto_confirm_at", "updated_at"])
    order_event_add(
        order=order,
        type=OrderEvent.Type.REFUND_REQUESTED,
        at=now,
        actor=buyer,
        refund_request=request.pk,
        amount=f"{wanted:.2f}",
        return_goods=request.return_goods,
    )
    return request


def _lock(refund_request_id: int) -> tuple[Order, RefundRequest]:
    order_id = RefundRequest.objects.filter(pk=refund_request_id).values_list("order_id", flat=True).get()
    order = order_lock(order_id)
    return order, RefundRequest.objects.select_for_update().get(pk=refund_request_id)


@transaction.atomic
def refund_request_accept(
    *, refund_request_id: int, actor, note: Any = "", by_operator: bool = False, now: datetime | None = None
) -> RefundRequest:
    """The seller (or an operator, for an escalated request) agrees: the money goes back through the
    provider. For a return, the seller accepts once the goods are back."""
    now = now or timezone.now()
    note = _note(note)
    order, request = _lock(refund_request_id)
    if request.status not in (RefundRequest.Status.REQUESTED, RefundRequest.Status.ESCALATED):
        raise InvalidState(_("This refund request was already answered."))
    if by_operator and request.status != RefundRequest.Status.ESCALATED:
        # The seller answers first: an operator decides only what was escalated to the platform.
        raise InvalidState(_("Only an escalated request is decided by an operator."))
    if not order.is_open_for_refund:
        raise InvalidState(_("This order can no longer be refunded."))
    request.status = RefundRequest.Status.ACCEPTED
    if by_operator:
        request.operator_note = note
    else:
        request.seller_note = note
    request.refund = refund_create(
        payment_id=order.payment_id, reference=order.number, amount=request.amount, reason=request.reason
    )
    request.save(update_fields=["status", "seller_note", "operator_note", "refund", "updated_at"])
    order_event_add(
        order=order,
        type=OrderEvent.Type.REFUND_ACCEPTED,
        at=now,
        actor=actor,
        refund_request=request.pk,
        by_operator=by_operator,
        note=note,
    )
    return request


@transaction.atomic
def refund_request_reject(*, refund_request_id: int, actor, note: Any, now: datetime | None = None) -> RefundRequest:
    """The seller refuses (with a reason): the request goes to an operator."""
    now = now or timezone.now()
    note = _note(note, required=True)
    order, request = _lock(refund_request_id)
    if request.status != RefundRequest.Status.REQUESTED:
        raise InvalidState(_("This refund request was already answered."))
    request.status, request.seller_note = RefundRequest.Status.ESCALATED, note
    request.save(update_fields=["status", "seller_note", "updated_at"])
    order_event_add(
        order=order, type=OrderEvent.Type.REFUND_REJECTED, at=now, actor=actor, refund_request=request.pk, note=note
    )
    order_event_add(
        order=order, type=OrderEvent.Type.REFUND_ESCALATED, at=now, refund_request=request.pk, reason="seller_rejected"
    )
    return request


@transaction.atomic
def refund_request_escalate(*, refund_request_id: int, now: datetime | None = None) -> RefundRequest:
    """The seller did not answer in time."""
    now = now or timezone.now()
    order, request = _lock(refund_request_id)
    if request.status != RefundRequest.Status.REQUESTED or request.respond_by > now:
        raise InvalidState(_("This refund request is not overdue."))
    request.status = RefundRequest.Status.ESCALATED
    request.save(update_fields=["status", "updated_at"])
    order_event_add(
        order=order, type=OrderEvent.Type.REFUND_ESCALATED, at=now, refund_request=request.pk, reason="no_answer"
    )
    return request


def refund_requests_escalate_overdue(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return overdue_sweep(
        RefundRequest.objects.filter(status=RefundRequest.Status.REQUESTED, respond_by__lte=now),
        lambda request_id: refund_request_escalate(refund_request_id=request_id, now=now),
        order_by="respond_by",
        skip=(InvalidState,),  # answered meanwhile
    )


REFUND_DECIDE_PERMISSION = "orders.decide_refundrequest"


def _operator_may_decide(operator) -> None:
    if not (operator.is_active and operator.has_perm(REFUND_DECIDE_PERMISSION)):
        raise PermissionDeniedError(_("Only an operator allowed to decide refunds can do this."))


@transaction.atomic
def refund_request_grant(
    *, refund_request_id: int, operator, note: Any = "", now: datetime | None = None
) -> RefundRequest:
    """An operator decides an escalated request for the buyer: the money goes back through the provider.
    Needs the orders.decide_refundrequest permission; the audit log keeps the decision."""
    _operator_may_decide(operator)
    request = refund_request_accept(
        refund_request_id=refund_request_id, actor=operator, note=note, by_operator=True, now=now
    )
    operator_action_record(
        actor=operator, action="refund_grant", obj=request, reason=request.operator_note, amount=f"{request.amount:.2f}"
    )
    return request


@transaction.atomic
def refund_request_deny(*, refund_request_id: int, actor, note: Any, now: datetime | None = None) -> RefundRequest:
    """An operator decides against the buyer: the order carries on and auto-confirm resumes.
    Needs the orders.decide_refundrequest permission; the audit log keeps the decision."""
    _operator_may_decide(actor)
    now = now or timezone.now()
    note = _note(note, required=True)
    order, request = _lock(refund_request_id)
    if request.status != RefundRequest.Status.ESCALATED:
        raise InvalidState(_("Only an escalated request is decided by an operator."))
    request.status, request.operator_note, request.resolved_at = RefundRequest.Status.REJECTED, note, now
    request.save(update_fields=["status", "operator_note", "resolved_at", "updated_at"])
    _auto_confirm_resume(order=order, refund_request=request, now=now)
    order_event_add(
        order=order, type=OrderEvent.Type.REFUND_DENIED, at=now, actor=actor, refund_request=request.pk, note=note
    )
    operator_action_record(actor=actor, action="refund_deny", obj=request, reason=note, amount=f"{request.amount:.2f}")
    return request


@transaction.atomic
def refund_request_mark_refunded(*, refund_id: int, now: datetime | None = None) -> RefundRequest | None:
    """The provider confirmed the refund (payments.signals.payment_event_confirmed; payment already locked).

    A full refund ends the order as `refunded` and returns the stock when the goods never left or came
    back; a partial one lets the order carry on.
    """
    now = now or timezone.now()
    request = RefundRequest.objects.select_for_update().filter(refund_id=refund_id).first()
    if request is None or request.status != RefundRequest.Status.ACCEPTED:
        return None
    order = Order.objects.select_for_update().get(pk=request.order_id)
    request.status, request.resolved_at = RefundRequest.Status.REFUNDED, now
    request.save(update_fields=["status", "resolved_at", "updated_at"])
    order_event_add(
        order=order, type=OrderEvent.Type.REFUNDED, at=now, refund_request=request.pk, amount=f"{request.amount:.2f}"
    )
    refunded = RefundRequest.objects.filter(order=order, status=RefundRequest.Status.REFUNDED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    if refunded >= order.total:
        goods_back = order.shipped_at is None or request.return_goods
        order.status, order.refunded_at, order.auto_confirm_at = Order.Status.REFUNDED, now, None
        order.save(update_fields=["status", "refunded_at", "auto_confirm_at", "updated_at"])
        # The sale is undone: it leaves the products' sales (the "best selling" order), so buying and
        # refunding cannot game it. A partial refund keeps the sale (the goods were kept).
        product_sales_add(items={product_id: -qty for product_id, qty in order_sold_items(orders=[order]).items()})
        if goods_back:
            stock_release(items=order_stock_items(order=order))
    else:
        _auto_confirm_resume(order=order, refund_request=request, now=now)
    return request
