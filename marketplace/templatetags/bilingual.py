"""Chinese names on English pages: the name, then its English or pinyin (common/romanize.py).

{{ shop.name|bilingual }} → "湖南老农家 · Hunan Lao Nongjia" on an English page, "湖南老农家" on a Chinese one.
{{ p.province|place }} → "湖南 Hunan" / "湖南".
{% origin product.province product.city product.village %} → "湖南 长沙 · Hunan, Changsha" / "湖南 长沙".
"""

from django import template
from django.utils.translation import get_language

from common.romanize import has_chinese, romanize, with_english

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def bilingual(value) -> str:
    text = "" if value is None else str(value)
    return with_english(text) if _english() else text


@register.filter
def place(value) -> str:
    """A province or city, short (for cards and lines): "湖南 Hunan"."""
    text = "" if value is None else str(value)
    english = romanize(text) if _english() and has_chinese(text) else ""
    return f"{text} {english}" if english else text


@register.simple_tag
def origin(*parts) -> str:
    """Province, city, village: the Chinese as written, then (on English pages) the English names."""
    names = [str(p) for p in parts if p]
    chinese = " ".join(names)
    if not _english():
        return chinese
    english = ", ".join(romanize(n) or n for n in names)
    return f"{chinese} · {english}" if english != ", ".join(names) else chinese
