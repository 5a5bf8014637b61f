from django import template

from common.money import fen_str

register = template.Library()


@register.filter
def fen(value) -> str:
    """Integer fen → "12.34" (sign kept)."""
    return fen_str(value)


@register.filter
def fen_abs(value) -> str:
    return fen_str(abs(int(value or 0)))


@register.filter
def rate_percent(value) -> str:
    """A commission rate (0.0500) as people say it: "5%", "2.5%"."""
    if value is None:
        return ""
    percent = (value * 100).normalize()
    return f"{percent:f}%"
