"""Tips' answers to payments' signals: a tip's payment succeeded or expired."""

from payments.signals import payment_event_confirmed, payment_expired


def _payment_event_confirmed(
    sender, *, event_type: str, payment_id: int, references: list[str], refund_id: int | None, **kwargs
) -> None:
    from tips.services import tips_mark_paid

    if event_type == "payment.succeeded":
        tips_mark_paid(payment_id=payment_id, references=references)


def _payment_expired(sender, *, payment_id: int, references: list[str], **kwargs) -> None:
    from tips.services import tips_fail_for_expired_payment

    tips_fail_for_expired_payment(payment_id=payment_id, references=references)


def connect() -> None:
    payment_event_confirmed.connect(_payment_event_confirmed, dispatch_uid="tips.payment_event_confirmed")
    payment_expired.connect(_payment_expired, dispatch_uid="tips.payment_expired")
