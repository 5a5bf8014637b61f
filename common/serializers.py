"""Small shapes shared by several apps' API answers."""

from decimal import Decimal

from django.db.models import Model
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from common.money import CURRENCY, money_str


class StrictCharField(serializers.CharField):
    """Text and nothing else. DRF's CharField turns a JSON number or boolean into text (`{"reason": 0}` is
    accepted as "0"), although the schema says string: this one refuses them ("Not a valid string.")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false and nothing else (DRF's takes 0, 1, "yes", "off"… although the schema says boolean)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictDecimalField(serializers.DecimalField):
    """A decimal given as a string or a number; an empty string is not "no value" (DRF's, when the field
    may be null, takes "" as null although the schema's pattern refuses it)."""

    def validate_empty_values(self, data):
        if data == "":
            self.fail("invalid")
        return super().validate_empty_values(data)


class IsoDateTimeField(serializers.DateTimeField):
    """A moment as `datetime.isoformat()` writes it, in the zone it was stored in (UTC: "…+00:00"), the
    form the API answered with before its shapes were serializers (DRF's own would move it to TIME_ZONE).
    An answer's field: read-only."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.isoformat() if value else None


class TextInput(StrictCharField):
    """Text a client sends: a JSON string only, and in a multipart form an empty value is checked like JSON's ""
    (DRF would drop it from an optional field), so both say the same."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)


# What TextInput and the services' clean_text accept, stated in the schema: no NUL (DRF refuses it) and, where
# the text is required, at least one character that is not whitespace or a control character (those are
# stripped first, so a text of nothing else is "required").
_NO_NUL = r"^[^\u0000]+$"  # "" is the schema's own blank alternative
_SOMETHING_VISIBLE = r"^[^\u0000]*[^\s\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069][^\u0000]*$"


class TextInputSchema(OpenApiSerializerFieldExtension):
    target_class = TextInput

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = _NO_NUL if self.target.allow_blank else _SOMETHING_VISIBLE
        return schema


def model_text_field(model: type[Model], name: str, *, partial: bool = False) -> TextInput:
    """An input for a text of `model`, with its model field's rule (what the services' text checks enforce):
    max_length; required unless the field may be blank (or the input is a partial update)."""
    model_field = model._meta.get_field(name)
    extra = {"required": False} if partial or model_field.blank else {}
    if model_field.blank and not partial:
        extra["default"] = ""
    return TextInput(max_length=model_field.max_length, allow_blank=model_field.blank, **extra)


def decimal_number(value: Decimal | None) -> float | None:
    """Ratings and scores are JSON numbers (null before the first review)."""
    return None if value is None else float(round(value, 2))


def absolute_url(request, file_field) -> str | None:
    if not file_field:
        return None
    url = file_field.url
    return request.build_absolute_uri(url) if request is not None else url


class FileUrlField(serializers.Field):
    """An uploaded file's absolute URL, or null without one."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        return absolute_url(self.context.get("request"), value)

    def get_attribute(self, instance):
        # An empty FileField is falsy but not None: DRF would skip to_representation for None only.
        return super().get_attribute(instance) or None


extend_schema_field({"type": "string", "format": "uri", "nullable": True})(FileUrlField)


__all__ = [
    "CURRENCY",
    "FileUrlField",
    "IsoDateTimeField",
    "StrictCharField",
    "TextInput",
    "absolute_url",
    "decimal_number",
    "model_text_field",
    "money_str",
]
