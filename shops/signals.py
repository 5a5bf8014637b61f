"""Signals the shops app sends to higher apps (connected in their AppConfig.ready()).

shop_status_changed(shop_id, status, reason) is sent inside the transaction that changes the status,
so a receiver's database writes commit or roll back with it; a receiver that talks to the outside
world (e-mail, WebSocket) must defer that with transaction.on_commit. It is also sent, with the status
unchanged (suspended) and the operator's new reason, when an operator rejects the owner's review request.
"""

from django.dispatch import Signal

shop_status_changed = Signal()

# staff_invitation_sent(invitation_id): an owner invited someone to work for the shop (inside the
# transaction; the invitee's notification is deferred to commit by the receiver).
staff_invitation_sent = Signal()

# shop_member_left(shop_id, user_id, reason): a member of staff was removed ("removed") or left ("left");
# they no longer work for the shop (sent inside the transaction, after the membership row is gone).
shop_member_left = Signal()
