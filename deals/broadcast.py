"""`deal` frames to the show's room (through live's public push functions).

Status changes (a new deal, open, ended) are pushed at once. `remaining` changes are coalesced per deal to at
most one frame per REMAINING_WINDOW_SECONDS: each commit that changed it sends the room a notice, and the room
(live.push_window) builds the frame from the database — at once after a quiet window, else once at the window's
end, on its own timer — so no change is left unpushed, `now` in the frame is when its count was read, and a
room of a flash sale gets ~4 frames a second however many claims land.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deals.selectors import deal_data, deal_load
from live.services.broadcast import room_push_on_commit, room_refresh_on_commit

REMAINING_WINDOW_SECONDS = 0.25
FRAME_KIND = "deal"


def deal_push(deal_id: int) -> None:
    """Pushes the deal as it is now (one frame, serialised once by live's broadcast)."""
    deal = deal_load(deal_id)
    if deal is None:
        return
    room_push_on_commit(deal.show_id, {"type": "deal", "deal": deal_data(deal, now=timezone.now())})


def deal_push_on_commit(deal_id: int) -> None:
    transaction.on_commit(lambda: deal_push(deal_id), robust=True)


def deal_remaining_changed_on_commit(*, show_id: int, deal_id: int) -> None:
    """After the commit that changed the deal's `remaining`: the room pushes it, coalesced (module doc)."""
    room_refresh_on_commit(show_id, FRAME_KIND, deal_id)


def deal_frame(show_id: int, deal_id: int | None) -> dict | None:
    """The room's `deal` frame for the deal as it is now (registered in live's ROOM_FRAMES; one query)."""
    deal = None if deal_id is None else deal_load(deal_id)
    if deal is None or deal.show_id != show_id:
        return None
    return {"type": "deal", "deal": deal_data(deal, now=timezone.now())}
