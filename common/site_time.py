"""One rule for times on the site: every time is shown in the site's zone (settings.TIME_ZONE,
Asia/Shanghai unless configured), on pages and in live updates alike, with the zone named where a
viewer elsewhere could misread it."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# Zones whose everyday name buyers know better than an offset.
_ZONE_NAMES = {
    "Asia/Shanghai": lambda: _("Beijing time"),
    "Asia/Chongqing": lambda: _("Beijing time"),
    "Asia/Harbin": lambda: _("Beijing time"),
    "PRC": lambda: _("Beijing time"),
}


def site_zone_offset(moment: datetime | None = None) -> str:
    """ "UTC+08:00": the site zone's offset now (or at `moment`)."""
    local = timezone.localtime(moment or timezone.now(), timezone.get_default_timezone())
    offset = local.strftime("%z")  # +0800
    return f"UTC{offset[:3]}:{offset[3:]}"


def site_zone_label() -> str:
    """ "Beijing time (UTC+08:00)", or "Europe/Berlin (UTC+01:00)" for a zone without a common name."""
    named = _ZONE_NAMES.get(settings.TIME_ZONE)
    name = named() if named else settings.TIME_ZONE
    return f"{name} ({site_zone_offset()})"


def site_time_full(moment: datetime | None) -> str:
    """ "2026-12-05 08:30 Beijing time (UTC+08:00)": a time with its zone, for a tooltip or a record."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{local:%Y-%m-%d %H:%M} {site_zone_label()}"
