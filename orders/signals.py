"""The signal orders sends to higher apps (connected in their AppConfig.ready()).

order_events_recorded(event_ids)
    OrderEvents were appended to orders' timelines (placed, paid, shipped, receipt confirmed, refund
    requested / answered / escalated, refunded, cancelled, reviewed). Sent after the commit that wrote
    them, so receivers may talk to the outside world; at-least-once (a receiver keys its own effects on
    the event id).
"""

from django.dispatch import Signal

order_events_recorded = Signal()
