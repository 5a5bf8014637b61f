"""Small shapes shared by several apps' API answers."""

from decimal import Decimal

from rest_framework import serializers

from common.money import CURRENCY, money_str


class StrictCharField(serializers.CharField):
    """Text and nothing else. DRF's CharField turns a JSON number or boolean into text (`{"reason": 0}` is
    accepted as "0"), although the schema says string: this one refuses them ("Not a valid string.")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IsoDateTimeField(serializers.DateTimeField):
    """A moment as `datetime.isoformat()` writes it, in the zone it was stored in (UTC: "…+00:00"), the
    form the API answered with before its shapes were serializers (DRF's own would move it to TIME_ZONE)."""

    def to_representation(self, value):
        return value.isoformat() if value else None


def decimal_number(value: Decimal | None) -> float | None:
    """Ratings and scores are JSON numbers (null before the first review)."""
    return None if value is None else float(round(value, 2))


def absolute_url(request, file_field) -> str | None:
    if not file_field:
        return None
    url = file_field.url
    return request.build_absolute_uri(url) if request is not None else url


__all__ = ["CURRENCY", "IsoDateTimeField", "StrictCharField", "absolute_url", "decimal_number", "money_str"]
