"""`{% live_shows %}` (home) and `{% live_shows shop %}` (a shop page): live now, upcoming, and a shop's replays."""

from django import template

from live.selectors import shows_for_page_cached

register = template.Library()


@register.inclusion_tag("live/_shows_section.html")
def live_shows(shop=None):
    return shows_for_page_cached(shop=shop)


@register.filter
def chapter_time(seconds) -> str:
    """A replay offset as m:ss (or h:mm:ss)."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
