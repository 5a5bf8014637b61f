from django import template

from common.money import from_fen

register = template.Library()


@register.filter
def fen(value) -> str:
    """Integer fen → "12.34" (sign kept)."""
    return f"{from_fen(int(value or 0)):.2f}"


@register.filter
def fen_abs(value) -> str:
    return f"{from_fen(abs(int(value or 0))):.2f}"


@register.filter
def rate_percent(value) -> str:
    """A commission rate (0.0500) as people say it: "5%", "2.5%"."""
    if value is None:
        return ""
    percent = (value * 100).normalize()
    return f"{percent:f}%"
