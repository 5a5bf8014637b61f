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


# What a person who already works for a shop hears when trying to join another.
JOINING_ANOTHER_SHOP = gettext_lazy("You already work for a shop. Leave it (or close yours) before joining another.")


class InvitationAlreadyOpen(Conflict):
    default_message = gettext_lazy("This person already has an open invitation from your shop.")


class InvitationDeclinedRecently(Conflict):
    """A "no" is not answered by a stream of new invitations."""

    default_message = gettext_lazy("This person declined your invitation recently. Try again in a few days.")


class InvitationsToPersonLimit(Conflict):
    """Withdrawing and inviting again would otherwise notify the same person without end."""

    default_message = gettext_lazy("You have invited this person several times this week. Try again in a few days.")


class OpenInvitationsLimit(Conflict):
    """Raised with the limit in its message ("Your shop has 20 open invitations. Withdraw some first.")."""


class OwnerStays(InvalidState):
    """An owner cannot leave their own shop, nor be removed from it."""

    default_message = gettext_lazy("You own this shop: an owner cannot leave it.")
