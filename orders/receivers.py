"""Orders' answers to lower apps' signals."""

from payments.signals import payment_event_confirmed, payment_expired


def _payment_event_confirmed(
    sender, *, event_type: str, payment_id: int, references: list[str], refund_id: int | None, **kwargs
) -> None:
    from orders.services.lifecycle import orders_mark_paid
    from orders.services.refunds import refund_request_mark_refunded

    if event_type == "payment.succeeded":
        orders_mark_paid(payment_id=payment_id, numbers=references)
    elif event_type == "refund.succeeded" and refund_id is not None:
        refund_request_mark_refunded(refund_id=refund_id)


def _payment_expired(sender, *, payment_id: int, references: list[str], **kwargs) -> None:
    from orders.services.lifecycle import orders_cancel_for_expired_payment

    orders_cancel_for_expired_payment(payment_id=payment_id, numbers=references)


def connect() -> None:
    payment_event_confirmed.connect(_payment_event_confirmed, dispatch_uid="orders.payment_event_confirmed")
    payment_expired.connect(_payment_expired, dispatch_uid="orders.payment_expired")
