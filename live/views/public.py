"""Public pages: the list of shows and a show's room (player, chat, likes, viewers)."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from common.csp import content_security_policy
from live import attribution
from live.access import access_public_show
from live.extensions import SHOW_PARTS
from live.models import ShowStatus
from live.selectors import show_detail_attach, show_list_public
from live.services.pins import pinned_product_data, show_chapters
from live.services.room import room_restriction_active, room_role
from live.services.show_stats import room_visit
from live.services.stats import room_likes, room_viewers
from orders.selectors.order_lists import buyer_last_address


def show_list(request):
    return render(request, "live/list.html", {"shows": list(show_list_public()[:50])})


def _room_csp(request) -> str:
    """The site's policy, plus the HLS server for the player (fetches, and MSE's blob: media)."""
    parts = urlsplit(settings.LIVE_HLS_URL)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    policy = content_security_policy(request)
    policy = policy.replace("connect-src 'self'", f"connect-src 'self' {origin}".rstrip())
    return policy + f"; media-src 'self' blob: {origin}".rstrip()


VISITOR_COOKIE = "live_v"


def _visitor(request) -> tuple[str, str | None]:
    """Who counts as one unique viewer: the user, else the browser's random cookie (new: also returned)."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}", None
    cookie = request.COOKIES.get(VISITOR_COOKIE, "")
    if len(cookie) == 32 and cookie.isalnum():
        return f"a{cookie}", None
    cookie = secrets.token_hex(16)
    return f"a{cookie}", cookie


def room(request, show_id: int):
    show = access_public_show(user=request.user, show_id=show_id)
    show_detail_attach(show)
    pinned = pinned_product_data(show.pinned_card)
    visitor, new_cookie = _visitor(request)
    if show.status == ShowStatus.LIVE:
        room_visit(show_id=show.pk, visitor=visitor)
    user = request.user
    role = room_role(show=show, user=user)
    removed = user.is_authenticated and room_restriction_active(show=show, user_id=user.pk, kind="remove")
    config = {
        "show": show.pk,
        "status": show.status,
        "hls_url": show.hls_url,
        "replay_url": show.replay_url,
        "socket": f"/ws/shows/{show.pk}/",
        "signed_in": user.is_authenticated,
        "role": role,
        "login_url": f"{reverse('accounts:login')}?next={request.path}",
        "viewers": room_viewers(show_id=show.pk) if show.status == "live" else 0,
        "likes": max(show.likes, room_likes(show_id=show.pk)),
        "pinned": pinned,
        "checkout_url": "/api/v1/checkout/",
        "payment_url": "/api/v1/payments/",
        "source": f"{attribution.KIND}:{show.pk}",
    }
    response = render(
        request,
        "live/room.html",
        {
            "show": show,
            "room_config": config,
            "removed": bool(removed),
            "hls_script": "vendor/hls/hls.min.js",
            "pinned": pinned,
            "address": buyer_last_address(user=user) if user.is_authenticated else {},
            "room_parts": SHOW_PARTS.room_parts(show.parts),
            "chapters": show_chapters(show=show) if show.status == ShowStatus.ENDED else [],
        },
    )
    if new_cookie:
        response.set_cookie(VISITOR_COOKIE, new_cookie, max_age=365 * 86400, httponly=True, samesite="Lax")
    response["Content-Security-Policy"] = _room_csp(request)
    return response
