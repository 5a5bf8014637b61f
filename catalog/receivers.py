"""Catalog's answers to lower apps' signals."""

from shops.models import Shop
from shops.signals import shop_status_changed


def _shop_status_changed(sender, *, shop_id: int, status: str, **kwargs) -> None:
    from catalog.services import products_visibility_for_shop

    products_visibility_for_shop(shop_id=shop_id, shop_approved=status == Shop.Status.APPROVED)


def connect() -> None:
    shop_status_changed.connect(_shop_status_changed, dispatch_uid="catalog.shop_status_changed")
