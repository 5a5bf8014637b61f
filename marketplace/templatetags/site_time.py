"""{% site_zone %}: the zone every time on the site is shown in ("Beijing time (UTC+08:00)")."""

from django import template

from common.site_time import site_zone_label

register = template.Library()


@register.simple_tag
def site_zone() -> str:
    return site_zone_label()
