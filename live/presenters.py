"""The shapes sent to clients (API answers and room frames), built in one place."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from live.models import RoomMessage, Show


def hls_url(show: Show) -> str | None:
    if show.status != "live":
        return None
    return f"{settings.LIVE_HLS_URL.rstrip('/')}/{show.public_id}.m3u8"


def replay_url(show: Show) -> str | None:
    return show.replay.url if show.replay else None


def shop_ref(show: Show) -> dict:
    return {"slug": show.shop.slug, "name": show.shop.name}


def show_list_item(show: Show, *, viewers: int = 0) -> dict:
    return {
        "id": show.pk,
        "title": show.title,
        "status": show.status,
        "shop": shop_ref(show),
        "starts_at": show.starts_at,
        "viewers": viewers,
        "hls_url": hls_url(show),
        "room_url": reverse("live:room", args=[show.pk]),
    }


def show_public(show: Show, *, viewers: int = 0) -> dict:
    return {
        **show_list_item(show, viewers=viewers),
        "description": show.description,
        "pinned": None,  # part 2
        "deal": None,  # part 2
        "likes": show.likes,
        "replay_url": replay_url(show),
        "started_at": show.started_at,
        "ended_at": show.ended_at,
    }


def show_seller(show: Show) -> dict:
    return {
        "id": show.pk,
        "title": show.title,
        "description": show.description,
        "status": show.status,
        "starts_at": show.starts_at,
        "started_at": show.started_at,
        "ended_at": show.ended_at,
        "end_reason": show.end_reason,
        "slow_mode_seconds": show.slow_mode_seconds,
        "products": [p.pk for p in show.products.all()],
        "room_url": reverse("live:room", args=[show.pk]),
        "hls_url": hls_url(show),
        "replay_url": replay_url(show),
        "likes": show.likes,
        "peak_viewers": show.peak_viewers,
        "ingest": {"url": settings.LIVE_RTMP_URL, "stream_key": show.stream_key},
    }


def room_message(message: RoomMessage) -> dict:
    return {
        "id": message.pk,
        "sender": {"id": message.sender_id, "username": message.sender.username, "role": message.role},
        "text": message.text,
        "created_at": message.created_at.isoformat(),
        "client_id": message.client_id or None,
    }
