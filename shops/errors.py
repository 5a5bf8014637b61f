from django.utils.translation import gettext_lazy

from common.errors import Conflict, InvalidState, PermissionDeniedError


class ShopAlreadyExists(Conflict):
    code = "shop_exists"
    default_message = gettext_lazy("You already have a shop.")


class ShopSuspended(PermissionDeniedError):
    code = "shop_suspended"
    default_message = gettext_lazy("This shop is suspended.")


class ShopRoleRequired(PermissionDeniedError):
    """A member of the shop whose role does not allow this action (staff on an owner's page): 403."""

    code = "permission_denied"
    default_message = gettext_lazy("Only the shop's owner can do this.")


class AlreadyWorksForShop(Conflict):
    code = "already_in_a_shop"
    default_message = gettext_lazy("This person already works for a shop.")


class InvitationNotPending(InvalidState):
    default_message = gettext_lazy("This invitation is no longer open.")
