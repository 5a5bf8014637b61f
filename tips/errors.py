from django.utils.translation import gettext_lazy as _

from common.errors import Conflict, PermissionDeniedError


class TipLimit(Conflict):
    """Over a cap: TIP_CAP_PER_TIP, TIP_CAP_PER_SHOW (per viewer per show) or TIP_CAP_PER_DAY (per viewer)."""

    code = "tip_limit"
    default_message = _("This tip would go over the tipping limit.")


class TipNeedsOrder(PermissionDeniedError):
    """Only viewers who have completed an order before (receipt confirmed) may tip."""

    code = "tip_needs_order"
    default_message = _("Tips are open to buyers who have completed an order on the marketplace.")


class TipOwnShow(PermissionDeniedError):
    code = "tip_own_show"
    default_message = _("You cannot tip your own shop's show.")


class ShowNotLive(Conflict):
    code = "show_not_live"
    default_message = _("Tips can only be sent while the show is live.")
