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
    from django.utils import timezone

    if status == Shop.Status.APPROVED:
        message, params = "shop_approved", {"shop": shop["name"]}
    elif reason:
        message, params = "shop_suspended_reason", {"shop": shop["name"], "reason": reason}
    else:
        message, params = "shop_suspended", {"shop": shop["name"]}

    notify_on_commit(
        user_id=shop["owner_id"],
        kind="shop_status",
        key=f"shop:{shop_id}:{status}:{timezone.now():%Y%m%d%H%M%S%f}",
        message=message,
        params=params,
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
    message = {
        "delisted": "product_delisted",
        "approved": "product_review_approved",
    }.get(decision, "product_review_rejected")
    params = {"product": title}
    if reason and decision != "approved":
        message, params["reason"] = f"{message}_reason", reason
    notify_on_commit(
        user_id=owner_id,
        kind="moderation",
        key=f"product:{product_id}:{decision}:{timezone.now():%Y%m%d%H%M%S%f}",
        message=message,
        params=params,
        url=reverse("seller:product-edit", args=[product_id]),
    )


def _payout_status_changed(
    sender, *, payout_id: int, shop_id: int, status: str, amount, reason: str = "", **kwargs
) -> None:
    from notifications.services import notify_on_commit

    owner_id = Shop.objects.filter(pk=shop_id).values_list("owner_id", flat=True).first()
    if owner_id is None:
        return
    notify_on_commit(
        user_id=owner_id,
        kind="payout_paid",
        key=f"payout:{payout_id}:{status}",
        message="payout_paid" if status == "paid" else "payout_failed",
        params={"amount": f"{amount:.2f}", "reason": reason},
        url="/seller/money/",
    )


def _order_events_recorded(sender, *, event_ids: list[int], **kwargs) -> None:
    from notifications.outbox import order_events_recorded_received

    order_events_recorded_received()  # already after commit; the events are their own outbox (drained by beat)


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
        message="staff_invited",
        params={"shop": shop},
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
            message="staff_removed",
            params={"shop": shop["name"]},
        )
        return
    username = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first() or ""
    notify_on_commit(
        user_id=shop["owner_id"],
        kind="shop_staff",
        key=key,
        message="staff_left",
        params={"username": username},
        url="/seller/staff/",
    )


def connect() -> None:
    order_events_recorded.connect(_order_events_recorded, dispatch_uid="notifications.order_events_recorded")
    shop_status_changed.connect(_shop_status_changed, dispatch_uid="notifications.shop_status_changed")
    product_moderated.connect(_product_moderated, dispatch_uid="notifications.product_moderated")
    payout_status_changed.connect(_payout_status_changed, dispatch_uid="notifications.payout_status_changed")
    staff_invitation_sent.connect(_staff_invitation_sent, dispatch_uid="notifications.staff_invitation_sent")
    shop_member_left.connect(_shop_member_left, dispatch_uid="notifications.shop_member_left")
