"""Writes for shops, by subject: the profile (open, edit, follow, scores), the status (operators approve and
suspend, owners ask for a review) and staff (invite, accept, decline, revoke, remove, leave)."""

from shops.services.profile import shop_create, shop_follow_toggle, shop_scores_set, shop_update
from shops.services.staff import (
    staff_invitation_accept,
    staff_invitation_decline,
    staff_invitation_revoke,
    staff_invite,
    staff_leave,
    staff_remove,
)
from shops.services.status import (
    shop_approve,
    shop_operator_approve,
    shop_operator_suspend,
    shop_operator_update,
    shop_review_reject,
    shop_review_request,
    shop_suspend,
)

__all__ = [
    "shop_approve",
    "shop_create",
    "shop_follow_toggle",
    "shop_operator_approve",
    "shop_operator_suspend",
    "shop_operator_update",
    "shop_review_reject",
    "shop_review_request",
    "shop_scores_set",
    "shop_suspend",
    "shop_update",
    "staff_invitation_accept",
    "staff_invitation_decline",
    "staff_invitation_revoke",
    "staff_invite",
    "staff_leave",
    "staff_remove",
]
