"""The signal orders sends to higher apps (connected in their AppConfig.ready()).

order_events_recorded(event_ids, types)
    OrderEvents were appended to orders' timelines (placed, paid, shipped, receipt confirmed, refund
    requested / answered / escalated, refunded, cancelled, reviewed). Sent after the commit that wrote
    them, so receivers may talk to the outside world; at-least-once (a receiver keys its own effects on
    the event id). `types`: the events' types, so a receiver that wants only some (cancelled, placed) skips
    the others without a query on the buyer's request.
"""

from django.dispatch import Signal

order_events_recorded = Signal()
