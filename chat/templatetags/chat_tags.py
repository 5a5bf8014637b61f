"""Template helpers: `{% load chat_tags %}`.

`{% shop_reply_time shop %}` prints "Usually replies within 5 minutes" (or nothing) — for the shop
and product pages; `{{ seconds|reply_time }}` formats a value the view already has.
"""

import math

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
