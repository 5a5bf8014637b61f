"""Template helpers: `{% load chat_tags %}`.

`{% shop_reply_time shop %}` prints "Usually replies within 5 minutes" (or nothing);
`{% shop_reply_seconds shop as reply_time %}` gives the seconds (None without a figure or while the cache is
down) to the shop and product pages, which belong to apps below chat; `{{ seconds|reply_time }}` formats a
value the view already has.
"""

import math

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from chat.selectors import shop_reply_time as shop_reply_time_selector

register = template.Library()


@register.filter
def reply_time(seconds) -> str:
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return _("Usually replies within a minute")
    if seconds < 3600:
        minutes = math.ceil(seconds / 60)
        return ngettext("Usually replies within %(n)d minute", "Usually replies within %(n)d minutes", minutes) % {
            "n": minutes
        }
    if seconds < 86400:
        hours = math.ceil(seconds / 3600)
        return ngettext("Usually replies within %(n)d hour", "Usually replies within %(n)d hours", hours) % {"n": hours}
    return _("Usually replies within a few days")


@register.simple_tag
def shop_reply_time(shop) -> str:
    return reply_time(shop_reply_time_selector(shop_id=shop.pk))


@register.simple_tag
def shop_reply_seconds(shop) -> int | None:
    """The seller's typical reply time (median over 30 days), in seconds; left out while the cache is down."""
    try:
        return shop_reply_time_selector(shop_id=shop.pk)
    except RedisError:
        return None
