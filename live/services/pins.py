"""Pinned products: the seller pins one of the shop's products on sale; every viewer's card changes at once
(one `pinned` frame, serialised once); each pin is a chapter of the replay (ShowPin). Clicks on a pinned
product's card are counted in Redis (one HINCRBY, no database write)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, ProductImage, Sku
from common.cache import raw_redis
from common.errors import InvalidState, ValidationFailed
from common.ids import parse_id
from live.attribution import KIND as SHOW_SOURCE
from live.models import Show, ShowPin, ShowStatus
from live.serializers import PinnedProductOut
from live.services.broadcast import room_push_on_commit, room_refresh_on_commit
from orders.models import OrderEvent

logger = logging.getLogger(__name__)

CLICKS_KEEP_SECONDS = 90 * 86400
_local_clicks: dict[int, dict[int, int]] = {}


def _products_for_card():
    return Product.objects.select_related("shop").prefetch_related(
        Prefetch("skus", queryset=Sku.objects.filter(is_active=True).order_by("sort_order", "id")),
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
    )


def pinned_product_load(show: Show) -> Product | None:
    """The show's pinned product with its SKUs on sale and photos (what the card shows), or None."""
    if show.pinned_product_id is None:
        return None
    return _products_for_card().filter(pk=show.pinned_product_id).first()


def pinned_product_data(product: Product | None) -> dict | None:
    """The card: live.serializers.PinnedProductOut (the show's detail, the `pinned` frame and the room page)."""
    return None if product is None else PinnedProductOut(product).data


CARD_CACHE_SECONDS = 5


def pinned_card_cached(show: Show) -> dict | None:
    """The pinned card for a socket that opens (a thousand viewers joining read it once per few seconds,
    not three queries each); keyed by the pinned product, so a new pin is never answered with the old one."""
    if show.pinned_product_id is None:
        return None
    key = f"live:card:{show.pk}:{show.pinned_product_id}"
    try:
        card = cache.get(key)
    except Exception:
        card = None
    if card is None:
        card = pinned_product_data(pinned_product_load(show))
        try:
            cache.set(key, card, CARD_CACHE_SECONDS)
        except Exception:
            logger.warning("pinned card not cached", exc_info=True)
    return card


@transaction.atomic
def show_pin(*, show: Show, product: object) -> Show:
    """Pins `product` (an id of the shop's products on sale) or unpins (None). Pinning the pinned product
    again changes nothing. A 409 after the show ended."""
    product_id = None if product is None else parse_id(product, field="product", message=_("Give the product's id."))
    show = Show.objects.select_for_update().get(pk=show.pk)
    if show.status == ShowStatus.ENDED:
        raise InvalidState(_("This show has ended."))
    if product_id == show.pinned_product_id:
        return show
    found = None
    if product_id is not None:
        found = _products_for_card().filter(pk=product_id, shop_id=show.shop_id, status=Product.Status.ACTIVE).first()
        if found is None:
            raise ValidationFailed(fields={"product": [_("Choose one of your shop's products on sale.")]})
    now = timezone.now()
    ShowPin.objects.filter(show=show, unpinned_at__isnull=True).update(unpinned_at=now, updated_at=now)
    if found is not None:
        ShowPin.objects.create(show=show, product=found, pinned_at=now)
    show.pinned_product = found
    show.save(update_fields=["pinned_product", "updated_at"])
    room_push_on_commit(show.pk, {"type": "pinned", "product": pinned_product_data(found)})
    return show


def show_pins_close(*, show_id: int) -> None:
    """The show ended: its last chapter ends too (the card stays empty in the replay)."""
    now = timezone.now()
    ShowPin.objects.filter(show_id=show_id, unpinned_at__isnull=True).update(unpinned_at=now, updated_at=now)


def show_chapters(*, show: Show) -> list[ShowPin]:
    """The replay's chapters: each pin, in order, with its offset into the video (ShowPin.offset_seconds)."""
    pins = list(ShowPin.objects.filter(show=show).select_related("product"))
    for pin in pins:
        pin.show = show
    return pins


def _clicks_key(show_id: int) -> str:
    return cache.make_and_validate_key(f"live:clicks:{show_id}")


def pin_click(*, show: Show, product: object) -> None:
    """A viewer opened the pinned product's sheet: counted when it is the pinned product (else ignored)."""
    product_id = parse_id(product, field="product", message=_("Give the product's id."))
    if product_id != show.pinned_product_id:
        return
    client = raw_redis()
    if client is None:
        counts = _local_clicks.setdefault(show.pk, {})
        counts[product_id] = counts.get(product_id, 0) + 1
        return
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(_clicks_key(show.pk), str(product_id), 1)
        pipe.expire(_clicks_key(show.pk), CLICKS_KEEP_SECONDS)
        pipe.execute()
    except Exception:  # a click is worth less than the buyer's sheet: counted best-effort
        logger.warning("pin click not counted", exc_info=True)


def pin_clicks(*, show_id: int) -> dict[int, int]:
    """Clicks per pinned product of the show."""
    client = raw_redis()
    if client is None:
        return dict(_local_clicks.get(show_id, {}))
    try:
        return {int(k): int(v) for k, v in client.hgetall(_clicks_key(show_id)).items()}
    except Exception:
        logger.warning("pin clicks unavailable", exc_info=True)
        return {}


# --- the card's stock as others buy ------------------------------------------------------------------
# A checkout from the show that bought the pinned product pushes the card again (its `stock` moved), at most
# about once per STOCK_WINDOW_SECONDS per show, coalesced by the room as deals' `remaining` is (live.push_window):
# the first sale after a quiet window is pushed at once, the sales inside it once at its end.
STOCK_WINDOW_SECONDS = 1.0
STOCK_FRAME_KIND = "pinned_stock"


def pinned_stock_frame(show_id: int, _key: int | None = None) -> dict | None:
    """The pinned card as it is now (a `pinned` frame, its stock fresh), built by the room (ROOM_FRAMES); it
    also refreshes the card that sockets opening now read. None once the show ended or nothing is pinned."""
    show = Show.objects.filter(pk=show_id).exclude(status=ShowStatus.ENDED).first()
    if show is None or show.pinned_product_id is None:
        return None
    card = pinned_product_data(pinned_product_load(show))
    if card is None:
        return None
    try:
        cache.set(f"live:card:{show.pk}:{show.pinned_product_id}", card, CARD_CACHE_SECONDS)
    except Exception:
        logger.warning("pinned card not cached", exc_info=True)
    return {"type": "pinned", "product": card}


def pinned_stock_changed(show_id: int) -> None:
    """After a commit that sold some of the pinned product: the room pushes the card, coalesced."""
    room_refresh_on_commit(show_id, STOCK_FRAME_KIND)


def pinned_stock_orders_placed(*, event_ids: list[int]) -> None:
    """orders' events (after their commit): placed orders whose source is a show and that bought the show's
    pinned product move its card's stock. One query for the batch (placed events of orders from a show)."""
    placed = OrderEvent.objects.filter(pk__in=event_ids, type=OrderEvent.Type.PLACED, order__source_kind=SHOW_SOURCE)
    bought = set(placed.values_list("order__source_id", "order__lines__product_id"))
    if not bought:
        return
    pinned = Show.objects.filter(pk__in={show_id for show_id, _product in bought}, pinned_product__isnull=False)
    for show_id, product_id in pinned.values_list("pk", "pinned_product_id"):
        if (show_id, product_id) in bought:
            pinned_stock_changed(show_id)
