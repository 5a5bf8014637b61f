"""Signals the shops app sends to higher apps (connected in their AppConfig.ready()).

shop_status_changed(shop_id, status, reason) is sent inside the transaction that changes the status,
so a receiver's database writes commit or roll back with it; a receiver that talks to the outside
world (e-mail, WebSocket) must defer that with transaction.on_commit.
"""

from django.dispatch import Signal

shop_status_changed = Signal()
