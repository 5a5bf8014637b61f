"""A show went live: the shop's followers hear it (in the page, and by e-mail unless they chose in-app only).

Bounded work for a shop with many followers: one task per batch of FOLLOWERS_BATCH follows (a keyset on
the follow's id), each batch one bulk insert in notifications. Sent once per show: the notification's key
names the show, so a retried task or a second call writes nothing new.
"""

from __future__ import annotations

from django.urls import reverse

from live.models import Show, ShowStatus
from shops.models import ShopFollow

FOLLOWERS_BATCH = 500


def show_followers_notify(*, show_id: int, after_id: int = 0, batch: int | None = None) -> int | None:
    """Notifies one batch of the show's shop's followers (follows with id > after_id).

    Returns the cursor for the next batch, or None when done (or the show is no longer live).
    """
    from notifications.services import notify_many

    batch = batch or FOLLOWERS_BATCH
    show = Show.objects.select_related("shop").filter(pk=show_id).first()
    if show is None or show.status != ShowStatus.LIVE:
        return None
    follows = list(
        ShopFollow.objects.filter(shop_id=show.shop_id, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", "user_id")[:batch]
    )
    if not follows:
        return None
    notify_many(
        user_ids=[user_id for _pk, user_id in follows if user_id != show.shop.owner_id],
        kind="show_live",
        key=f"show:{show.pk}:live",
        message="show_live",
        params={"shop": show.shop.name, "title": show.title},
        url=reverse("live:room", args=[show.pk]),
    )
    return follows[-1][0] if len(follows) == batch else None
