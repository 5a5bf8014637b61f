from common.errors import Conflict, PermissionDeniedError


class ShopAlreadyExists(Conflict):
    code = "shop_exists"
    default_message = "You already have a shop."


class ShopSuspended(PermissionDeniedError):
    code = "shop_suspended"
    default_message = "This shop is suspended."
