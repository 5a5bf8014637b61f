"""Seller center 直播: schedule shows, the stream key and OBS instructions, the live console (viewers,
likes, chat with mute/remove), moderators and the block list. Each POST calls one live service."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Product
from common.errors import DomainError
from live.access import access_seller_show
from live.extensions import SHOW_PARTS
from live.selectors import room_history, shop_blocked_words, shop_room_moderators, show_detail_attach, show_list_seller
from live.services.covers import show_cover_set
from live.services.pins import show_pin
from live.services.room import (
    blocked_word_add,
    blocked_word_remove,
    room_message_hide,
    room_moderator_add,
    room_moderator_remove,
    room_mute,
    room_remove,
)
from live.services.show_stats import show_statistics
from live.services.shows import show_create, show_end, show_stream_key_rotate, show_update
from live.services.stats import room_likes, room_viewers
from shops.decorators import seller_required


def _errors(exc: DomainError) -> str:
    details = "; ".join(str(m) for msgs in exc.fields.values() for m in (msgs if isinstance(msgs, list) else [msgs]))
    return details or exc.message


def _starts_at(value: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@seller_required
@require_http_methods(["GET", "POST"])
def show_list(request):
    if request.method == "POST":
        try:
            starts_at = _starts_at(request.POST.get("starts_at", ""))
            if request.POST.get("starts_at") and starts_at is None:
                raise DomainError(_("Give a date and time."))
            show = show_create(shop=request.shop, title=request.POST.get("title", ""), starts_at=starts_at)
        except DomainError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Show scheduled. Its stream key is below."))
            return redirect("seller:live-show", show_id=show.pk)
    return render(
        request, "live/seller/list.html", {"shows": show_list_seller(shop=request.shop)[:50], "seller_section": "live"}
    )


def _pin_choices(show) -> list:
    """The products one tap pins: the show's featured products first, then the shop's others on sale."""
    featured = set(show.products.values_list("pk", flat=True))
    products = Product.objects.filter(shop_id=show.shop_id, status=Product.Status.ACTIVE).prefetch_related("images")
    return sorted(products[:60], key=lambda p: (p.pk not in featured, -p.pk))


@seller_required
def show_console(request, show_id: int):
    show = access_seller_show(user=request.user, show_id=show_id)
    show_detail_attach(show)
    return render(
        request,
        "live/seller/console.html",
        {
            "show": show,
            "rtmp_url": settings.LIVE_RTMP_URL,
            "viewers": room_viewers(show_id=show.pk) if show.status == "live" else 0,
            "likes": max(show.likes, room_likes(show_id=show.pk)),
            "recent": list(reversed(room_history(show=show)))[:30],
            "pin_choices": _pin_choices(show) if show.status != "ended" else [],
            "console_parts": SHOW_PARTS.console_parts(show.parts),
            "seller_section": "live",
        },
    )


@seller_required
def show_stats(request, show_id: int):
    show = access_seller_show(user=request.user, show_id=show_id)
    return render(
        request,
        "live/seller/stats.html",
        {"show": show, "stats": show_statistics(show=show), "seller_section": "live"},
    )


@seller_required
@require_POST
def show_action(request, show_id: int, action: str):
    show = access_seller_show(user=request.user, show_id=show_id)
    try:
        if action == "rotate-key":
            show_stream_key_rotate(show=show)
            messages.success(request, _("New stream key: the old one no longer works."))
        elif action == "end":
            show_end(show_id=show.pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("The show has ended."))
        elif action == "cover":
            show_cover_set(show=show, upload=request.FILES.get("cover"))
            messages.success(request, _("Cover saved."))
        elif action == "slow-mode":
            show_update(show=show, slow_mode_seconds=_int(request.POST.get("seconds")))
            messages.success(request, _("Slow mode saved."))
        elif action == "pin":
            product = request.POST.get("product") or None
            show_pin(show=show, product=product)
            messages.success(request, _("Pinned: every viewer sees it now.") if product else _("Unpinned."))
        elif action in {"mute", "remove", "hide"}:
            _moderate(request, show, action)
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, _errors(exc))
    return redirect("seller:live-show", show_id=show.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _moderate(request, show, action: str) -> None:
    if action == "hide":
        room_message_hide(show=show, message_id=request.POST.get("message"))
        messages.success(request, _("Message taken down."))
        return
    user_id = _int(request.POST.get("user"))
    if action == "mute":
        minutes = request.POST.get("minutes", "")
        room_mute(show=show, by=request.user, user_id=user_id, minutes=None if minutes == "show" else _int(minutes))
        messages.success(request, _("Viewer muted."))
    else:
        room_remove(show=show, by=request.user, user_id=user_id)
        messages.success(request, _("Viewer removed from the room."))


@seller_required
@require_http_methods(["GET", "POST"])
def room_settings(request):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add-word":
                blocked_word_add(shop=request.shop, word=request.POST.get("word"))
            elif action == "remove-word":
                blocked_word_remove(shop=request.shop, word_id=request.POST.get("id"))
            elif action == "add-moderator":
                room_moderator_add(shop=request.shop, username=request.POST.get("username"))
            elif action == "remove-moderator":
                room_moderator_remove(shop=request.shop, moderator_id=request.POST.get("id"))
            else:
                raise DomainError(_("Unknown action."))
        except DomainError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Saved."))
        return redirect("seller:live-settings")
    return render(
        request,
        "live/seller/settings.html",
        {
            "words": shop_blocked_words(shop=request.shop),
            "moderators": shop_room_moderators(shop=request.shop),
            "seller_section": "live",
        },
    )
