"""The signals payments sends to higher apps (connected in their AppConfig.ready()).

payment_event_confirmed(event_type, payment_id, references, refund_id)
    A provider confirmed money moving, after we verified and recorded its notification:
    - event_type "payment.succeeded": the payment was captured; `references` are the live references
      it paid for (order numbers, or a higher app's own references such as a tip's "TIP-<id>": each
      receiver acts on its own and ignores the rest), `refund_id` is None;
    - event_type "refund.succeeded": refund `refund_id` reached the buyer; `references` holds its one reference.

    It is sent inside the transaction that records the event (the payment row is locked), so a receiver's
    writes commit or roll back with it; it is sent exactly once per provider event. Receivers that talk to
    the outside world defer that with transaction.on_commit.

payment_expired(payment_id, references)
    A pending payment passed its deadline (`expires_at`) before it was paid: found when the buyer tried
    to pay, or when the provider reported a capture made after it. The higher app cancels `references`
    (which voids their allocations, as a cancellation does); payments closes the payment and refunds a
    late capture itself. Sent inside the transaction that holds the payment's row lock.

payout_status_changed(payout_id, shop_id, status, amount, reason)
    A payout reached its end: status "paid" (amount is a Decimal in yuan) or "failed" (with the reason).
    Sent after the commit that recorded it, at most once per payout and run; receivers must be
    idempotent (key on payout_id), because a crashed run can be repeated.
"""

from django.dispatch import Signal

payment_event_confirmed = Signal()
payment_expired = Signal()
payout_status_changed = Signal()
