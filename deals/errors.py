"""The deals' domain errors (API.md, Live selling): stable codes, translated messages."""

from django.utils.translation import gettext_lazy as _

from common.errors import Conflict, InvalidState

# The seller's form and the service share these (API.md: a countdown of 10–300 s, a window of 1–20 min).
STARTS_IN_MIN, STARTS_IN_MAX = 10, 300
DURATION_MIN, DURATION_MAX = 60, 1200
PER_BUYER_LIMIT_MAX = 99


class DealOver(Conflict):
    """Before the countdown ends or after the window: the deal cannot be claimed now."""

    code = "deal_over"
    default_message = _("This deal is not open now.")


class DealSoldOut(Conflict):
    code = "out_of_stock"
    default_message = _("This deal is sold out.")


class DealLimitReached(Conflict):
    code = "limit_reached"
    default_message = _("You already have as many as this deal allows for one buyer.")


class DealRunning(Conflict):
    code = "deal_running"
    default_message = _("This show already has a deal that is open or about to open. Wait until it ends.")


class ShowNotOpenForDeals(InvalidState):
    default_message = _("Deals can be started only in a show that is scheduled or live.")
