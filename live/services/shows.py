"""Shows and their stream: create, rotate the key, end; nginx's callbacks (publish, update, done, record)."""

from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import operator_action_record
from catalog.models import Product
from common.errors import InvalidState, NotFound, ValidationFailed
from common.tasks import enqueue_on_commit
from common.text import clean_text
from live.errors import MAX_TITLE, TITLE_MISSING, TITLE_TOO_LONG, HookRefused, ShopBarredFromLive, StreamRefused
from live.models import LiveBar, Show, ShowStatus, new_stream_key
from live.services.broadcast import room_push_on_commit, show_changed_on_commit
from live.services.pins import show_pins_close
from live.services.stream_control import stream_drop_on_commit
from shops.models import Shop

logger = logging.getLogger(__name__)

MAX_PRODUCTS = 50
# How far ahead a show may be scheduled.
MAX_SCHEDULE_AHEAD = timedelta(days=90)


def _clean_title(title) -> str:
    return clean_text(
        title,
        multiline=False,
        field="title",
        required=True,
        max_length=MAX_TITLE,
        required_message=str(TITLE_MISSING),
        too_long_message=str(TITLE_TOO_LONG),
    )


def _clean_starts_at(starts_at) -> datetime | None:
    if starts_at is None:
        return None
    if not isinstance(starts_at, datetime):
        raise ValidationFailed(fields={"starts_at": [_("Give a date and time.")]})
    now = timezone.now()
    if starts_at < now - timedelta(minutes=5):
        raise ValidationFailed(fields={"starts_at": [_("The start time is in the past.")]})
    if starts_at > now + MAX_SCHEDULE_AHEAD:
        raise ValidationFailed(fields={"starts_at": [_("A show can be scheduled at most 90 days ahead.")]})
    return starts_at


def _clean_products(shop: Shop, products) -> list[Product]:
    if products is None:
        return []
    if not isinstance(products, list) or len(products) > MAX_PRODUCTS:
        raise ValidationFailed(fields={"products": [_("Choose at most 50 of your products.")]})
    ids = []
    for value in products:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise ValidationFailed(fields={"products": [_("Products are named by their ids.")]})
        ids.append(value)
    found = list(Product.objects.filter(shop=shop, pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise ValidationFailed(fields={"products": [_("Some of these products are not your shop's.")]})
    return found


def _check_not_barred(shop: Shop) -> None:
    if LiveBar.objects.filter(shop=shop).exists():
        raise ShopBarredFromLive()


@transaction.atomic
def show_create(
    *, shop: Shop, title, starts_at=None, products=None, description: str = "", slow_mode_seconds: int = 0
) -> Show:
    _check_not_barred(shop)
    if shop.status != Shop.Status.APPROVED:
        raise InvalidState(_("Your shop must be approved before it can go live."))
    title = _clean_title(title)
    starts_at = _clean_starts_at(starts_at)
    found = _clean_products(shop, products)
    show = Show.objects.create(
        shop=shop,
        title=title,
        starts_at=starts_at or timezone.now(),
        description=clean_text(description or "")[:2000],
        slow_mode_seconds=_clean_slow_mode(slow_mode_seconds),
    )
    show.products.set(found)
    show_changed_on_commit(show)
    return show


def _clean_slow_mode(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 600:
        raise ValidationFailed(fields={"slow_mode_seconds": [_("Slow mode is 0 (off) to 600 seconds.")]})
    return value


@transaction.atomic
def show_update(
    *, show: Show, title=None, starts_at=None, description=None, slow_mode_seconds=None, products=None
) -> Show:
    show = Show.objects.select_for_update().get(pk=show.pk)
    if show.status == ShowStatus.ENDED:
        raise InvalidState(_("This show has ended."))
    fields = ["updated_at"]
    if title is not None:
        show.title = _clean_title(title)
        fields.append("title")
    if starts_at is not None:
        if show.status != ShowStatus.SCHEDULED:
            raise InvalidState(_("The show has started: its start time cannot change."))
        show.starts_at = _clean_starts_at(starts_at)
        fields.append("starts_at")
        show_changed_on_commit(show)
    if description is not None:
        show.description = clean_text(description)[:2000]
        fields.append("description")
    if slow_mode_seconds is not None:
        show.slow_mode_seconds = _clean_slow_mode(slow_mode_seconds)
        fields.append("slow_mode_seconds")
    show.save(update_fields=fields)
    if products is not None:
        show.products.set(_clean_products(show.shop, products))
    return show


@transaction.atomic
def show_stream_key_rotate(*, show: Show) -> Show:
    """A new key; the old one stops working at once (a running stream goes on until it stops)."""
    show = Show.objects.select_for_update().get(pk=show.pk)
    if show.status == ShowStatus.ENDED:
        raise InvalidState(_("This show has ended."))
    show.stream_key = new_stream_key()
    show.save(update_fields=["stream_key", "updated_at"])
    return show


@transaction.atomic
def show_end(*, show_id: int, reason: str = "", operator=None, drop_stream: bool = True) -> Show:
    """Ends the show (the seller, an operator, or the stream stopping). A running stream is dropped at
    once through nginx's control module after the commit (`drop_stream`; not when nginx itself said the
    stream stopped), else at nginx's next update callback (`update` refuses an ended show). Ending twice
    is a no-op."""
    show = Show.objects.select_for_update().get(pk=show_id)
    if show.status == ShowStatus.ENDED:
        return show
    if drop_stream and show.status == ShowStatus.LIVE:
        stream_drop_on_commit(public_id=show.public_id, key=show.publishing_key)
    show.status = ShowStatus.ENDED
    show.ended_at = timezone.now()
    show.end_reason = clean_text(reason or "")[:500]
    show.pinned_product = None  # the last chapter of the replay ends here
    show_pins_close(show_id=show.pk)
    fields = ["status", "ended_at", "end_reason", "pinned_product", "updated_at"]
    if operator is not None:
        show.ended_by_operator = True
        fields.append("ended_by_operator")
        operator_action_record(actor=operator, action="live_show_end", obj=show, reason=show.end_reason)
    show.save(update_fields=fields)
    show_changed_on_commit(show)
    room_push_on_commit(show.pk, {"type": "status", "status": show.status})
    from live.services.stats import show_stats_flush_on_commit

    show_stats_flush_on_commit(show.pk)
    return show


@transaction.atomic
def shop_live_bar(*, shop: Shop, reason: str, operator) -> LiveBar:
    """Operators: the shop cannot go live any more; its live show ends now."""
    reason = clean_text(reason or "", multiline=False)
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why.")]})
    bar, _created = LiveBar.objects.update_or_create(
        shop=shop, defaults={"reason": reason[:500], "barred_by": operator}
    )
    operator_action_record(actor=operator, action="live_shop_bar", obj=shop, reason=reason)
    for show_id in Show.objects.filter(shop=shop, status=ShowStatus.LIVE).values_list("pk", flat=True):
        show_end(show_id=show_id, reason=reason, operator=operator)
    return bar


@transaction.atomic
def shop_live_unbar(*, shop: Shop, operator) -> None:
    LiveBar.objects.filter(shop=shop).delete()
    operator_action_record(actor=operator, action="live_shop_unbar", obj=shop)


# --- nginx's callbacks ----------------------------------------------------------------------------


def hook_secret_check(secret: str | None) -> None:
    expected = settings.LIVE_HOOK_SECRET
    if not expected or not isinstance(secret, str) or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise HookRefused()


@transaction.atomic
def stream_publish(*, key: str, addr: str = "") -> Show:
    """nginx asks before it accepts a stream named `key`. The show goes live; the caller answers with a
    redirect to the show's public id, so the HLS files are named after it, never after the key."""
    if not key or len(key) > 64:
        raise NotFound()
    show = Show.objects.select_for_update().select_related("shop").filter(stream_key=key).first()
    if show is None:
        raise NotFound()
    if LiveBar.objects.filter(shop_id=show.shop_id).exists():
        raise ShopBarredFromLive()
    if show.shop.status != Shop.Status.APPROVED:
        raise StreamRefused()
    if show.status != ShowStatus.SCHEDULED:
        # Live already (a second publisher with the same key) or ended: refused.
        raise StreamRefused()
    show.status = ShowStatus.LIVE
    show.started_at = timezone.now()
    show.publishing_key = key
    show.publisher_addr = (addr or "")[:64]
    show.save(update_fields=["status", "started_at", "publishing_key", "publisher_addr", "updated_at"])
    show_changed_on_commit(show)
    room_push_on_commit(show.pk, {"type": "status", "status": show.status, "hls_url": show.hls_url})
    from live.tasks import show_followers_notify_task

    enqueue_on_commit(show_followers_notify_task, show.pk)  # the shop's followers hear it, once per show
    return show


def _show_for_stream_name(name: str) -> Show | None:
    """publish-done and update name the stream by the key it was published with (nginx keeps the
    original name for its callbacks); the public id is accepted too."""
    if not name or len(name) > 64:
        return None
    return (
        Show.objects.filter(publishing_key=name).order_by("-id").first() or Show.objects.filter(public_id=name).first()
    )


def stream_update(*, name: str) -> None:
    """nginx's periodic check while a stream runs: refused (and so dropped) once the show has ended.

    nginx starts its update timer when the publisher arrives, before the publish callback has been
    answered: a first update may come while that answer is still being made (a slow or cold server),
    so a show still scheduled under this key is let through; its publish callback decides."""
    show = _show_for_stream_name(name) or (
        Show.objects.filter(stream_key=name).first() if name and len(name) <= 64 else None
    )
    if show is None or show.status == ShowStatus.ENDED:
        raise StreamRefused()


def stream_publish_done(*, name: str) -> Show | None:
    show = _show_for_stream_name(name)
    if show is None:
        return None
    return show_end(show_id=show.pk, reason=show.end_reason, drop_stream=False)


def stream_record_done(*, name: str, path: str) -> Show:
    """nginx finished a recording: queue its remux to MP4 (live.tasks). Only files under LIVE_RECORD_DIR."""
    show = _show_for_stream_name(name)
    if show is None:
        raise NotFound()
    try:
        resolved = Path(path).resolve()
    except (OSError, ValueError, TypeError) as exc:
        raise ValidationFailed(fields={"path": [_("Not a recording.")]}) from exc
    root = Path(settings.LIVE_RECORD_DIR).resolve()
    if root not in resolved.parents or resolved.suffix != ".flv":
        raise ValidationFailed(fields={"path": [_("Not a recording.")]})
    from live.tasks import replay_make_task

    enqueue_on_commit(replay_make_task, show.pk, str(resolved))
    return show
