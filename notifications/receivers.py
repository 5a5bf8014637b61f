"""Notifications' answers to lower apps' signals."""

from shops.models import Shop
from shops.signals import shop_status_changed


def _shop_status_changed(sender, *, shop_id: int, status: str, reason: str = "", **kwargs) -> None:
    from notifications.services import notify_on_commit

    shop = Shop.objects.filter(pk=shop_id).values("owner_id", "name", "slug").first()
    if shop is None or status == Shop.Status.PENDING:
        return
    approved = status == Shop.Status.APPROVED
    text = f"你的店铺「{shop['name']}」{'已通过审核，商品已上线' if approved else '已被暂停'}" + (f"：{reason}" if reason and not approved else "")
    text_en = f"Your shop “{shop['name']}” {'is approved: its products are public' if approved else 'is suspended'}" + (
        f": {reason}" if reason and not approved else "")
    from django.utils import timezone

    notify_on_commit(user_id=shop["owner_id"], kind="shop_status", key=f"shop:{shop_id}:{status}:{timezone.now():%Y%m%d%H%M%S%f}",
                     text=text, text_en=text_en, url="/seller/")


def connect() -> None:
    shop_status_changed.connect(_shop_status_changed, dispatch_uid="notifications.shop_status_changed")
