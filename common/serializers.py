"""Small shapes shared by several apps' API answers."""

from decimal import Decimal

from common.money import CURRENCY, money_str


def decimal_number(value: Decimal | None) -> float | None:
    """Ratings and scores are JSON numbers (null before the first review)."""
    return None if value is None else float(round(value, 2))


def absolute_url(request, file_field) -> str | None:
    if not file_field:
        return None
    url = file_field.url
    return request.build_absolute_uri(url) if request is not None else url


__all__ = ["CURRENCY", "absolute_url", "decimal_number", "money_str"]
