"""Notifications' answers to lower apps' signals."""

from catalog.signals import product_moderated
from orders.signals import order_events_recorded
from payments.signals import payout_status_changed
from shops.models import Shop
from shops.signals import shop_member_left, shop_status_changed, staff_invitation_sent


def _shop_status_changed(sender, *, shop_id: int, status: str, reason: str = "", **kwargs) -> None:
    from notifications.services import notify_on_commit

    shop = Shop.objects.filter(pk=shop_id).values("owner_id", "name", "slug").first()
    if shop is None or status == Shop.Status.PENDING:
        return
    approved = status == Shop.Status.APPROVED
    why = reason if reason and not approved else ""
    text = f"你的店铺「{shop['name']}」{'已通过审核，商品已上线' if approved else '已被暂停'}"
    text += f"：{why}" if why else ""
    text_en = f"Your shop “{shop['name']}” {'is approved: its products are public' if approved else 'is suspended'}" + (
        f": {why}" if why else ""
    )
    from django.utils import timezone

    notify_on_commit(
        user_id=shop["owner_id"],
        kind="shop_status",
        key=f"shop:{shop_id}:{status}:{timezone.now():%Y%m%d%H%M%S%f}",
        text=text,
        text_en=text_en,
        url="/seller/",
    )


def _product_moderated(sender, *, product_id: int, shop_id: int, decision: str, reason: str = "", **kwargs) -> None:
    """The platform delisted a listing, or decided on the seller's review request: the owner hears why."""
    from django.urls import reverse
    from django.utils import timezone

    from catalog.models import Product
    from notifications.services import notify_on_commit

    title = Product.objects.filter(pk=product_id).values_list("title", flat=True).first()
    owner_id = Shop.objects.filter(pk=shop_id).values_list("owner_id", flat=True).first()
    if title is None or owner_id is None:
        return
    why, why_en = (f"：{reason}", f": {reason}") if reason else ("", "")
    if decision == "delisted":
        text = f"商品「{title}」已被平台下架{why}。修改后可申请复审。"
        text_en = f"“{title}” was delisted by the platform{why_en}. Edit it, then ask for a review."
    elif decision == "approved":
        text, text_en = f"商品「{title}」已通过复审，重新上架", f"“{title}” passed the review and is on sale again"
    else:
        text = f"商品「{title}」的复审未通过{why}"
        text_en = f"The review of “{title}” was turned down{why_en}"
    notify_on_commit(
        user_id=owner_id,
        kind="moderation",
        key=f"product:{product_id}:{decision}:{timezone.now():%Y%m%d%H%M%S%f}",
        text=text,
        text_en=text_en,
        url=reverse("seller:product-edit", args=[product_id]),
    )


def _payout_status_changed(
    sender, *, payout_id: int, shop_id: int, status: str, amount, reason: str = "", **kwargs
) -> None:
    from notifications.services import notify_on_commit

    owner_id = Shop.objects.filter(pk=shop_id).values_list("owner_id", flat=True).first()
    if owner_id is None:
        return
    if status == "paid":
        text, text_en = f"结算款 ¥{amount:.2f} 已打到你的银行账户", f"Payout of ¥{amount:.2f} sent to your bank"
    else:
        text, text_en = f"结算款 ¥{amount:.2f} 支付失败：{reason}", f"Payout of ¥{amount:.2f} failed: {reason}"
    notify_on_commit(
        user_id=owner_id,
        kind="payout_paid",
        key=f"payout:{payout_id}:{status}",
        text=text,
        text_en=text_en,
        url="/seller/money/",
    )


def _order_events_recorded(sender, *, event_ids: list[int], **kwargs) -> None:
    from notifications.tasks import order_events_notify_task

    order_events_notify_task.delay(event_ids)  # already after commit (orders sends it on commit)


def _staff_invitation_sent(sender, *, invitation_id: int, **kwargs) -> None:
    """The invitee hears about an invitation to work for a shop, with a link to answer it."""
    from django.urls import reverse

    from notifications.services import notify_on_commit
    from shops.models import StaffInvitation

    invitation = StaffInvitation.objects.filter(pk=invitation_id).values("user_id", "shop__name").first()
    if invitation is None:
        return
    shop = invitation["shop__name"]
    notify_on_commit(
        user_id=invitation["user_id"],
        kind="shop_staff",
        key=f"staff-invitation:{invitation_id}",
        text=f"店铺「{shop}」邀请你成为子账号，协助经营店铺。7 天内可接受或拒绝。",
        text_en=f"“{shop}” invited you to help run the shop as staff. Accept or decline within 7 days.",
        url=reverse("shops:invitations"),
    )


def _shop_member_left(sender, *, shop_id: int, user_id: int, reason: str, **kwargs) -> None:
    """A removed member hears that they were removed; the owner hears that a member left."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from notifications.services import notify_on_commit

    shop = Shop.objects.filter(pk=shop_id).values("owner_id", "name").first()
    if shop is None:
        return
    key = f"staff-{reason}:{shop_id}:{user_id}:{timezone.now():%Y%m%d%H%M%S%f}"
    if reason == "removed":
        notify_on_commit(
            user_id=user_id,
            kind="shop_staff",
            key=key,
            text=f"你已不再是店铺「{shop['name']}」的子账号。",
            text_en=f"You no longer work for “{shop['name']}”: the owner removed you from its staff.",
        )
        return
    username = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first() or ""
    notify_on_commit(
        user_id=shop["owner_id"],
        kind="shop_staff",
        key=key,
        text=f"{username} 已退出你的店铺，不再是子账号。",
        text_en=f"{username} left your shop's staff.",
        url="/seller/staff/",
    )


def connect() -> None:
    order_events_recorded.connect(_order_events_recorded, dispatch_uid="notifications.order_events_recorded")
    shop_status_changed.connect(_shop_status_changed, dispatch_uid="notifications.shop_status_changed")
    product_moderated.connect(_product_moderated, dispatch_uid="notifications.product_moderated")
    payout_status_changed.connect(_payout_status_changed, dispatch_uid="notifications.payout_status_changed")
    staff_invitation_sent.connect(_staff_invitation_sent, dispatch_uid="notifications.staff_invitation_sent")
    shop_member_left.connect(_shop_member_left, dispatch_uid="notifications.shop_member_left")
