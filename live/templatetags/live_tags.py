"""`{% live_shows %}` (home) and `{% live_shows shop %}` (a shop page): live now, upcoming, and a shop's replays."""

from django import template

from live.selectors import shows_for_page_cached

register = template.Library()


@register.inclusion_tag("live/_shows_section.html")
def live_shows(shop=None):
    return shows_for_page_cached(shop=shop)
