"""Text cleaning for anything a user types that other people will read."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from common.errors import ValidationFailed

# C0/C1 control characters except tab, newline and carriage return; also bidi overrides.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(
    value: Any,
    *,
    multiline: bool = True,
    field: str | None = None,
    required: bool = False,
    max_length: int | None = None,
    required_message: str | None = None,
    too_long_message: str | None = None,
    too_long_error: type[ValidationFailed] = ValidationFailed,
) -> str:
    """NFC, no control characters, trimmed (and, unless `multiline`, whitespace runs made one space).

    Without `field` it only cleans. With `field` it also checks what a user typed, each error on that
    field (400 `validation_error`): None is "" (an error if `required`); anything else that is not text is
    an error ("This field is required." when required, else "Must be text."); blank when `required`;
    longer than `max_length` after cleaning (`too_long_error` for a code of the app's own, such as
    chat's message_too_long). The messages can be the caller's own words for the field."""
    if field is None:
        value = str(value)
    elif value is None or (required and not isinstance(value, str)):
        value = ""
    elif not isinstance(value, str):
        raise ValidationFailed(fields={field: [_("Must be text.")]})
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    value = value.strip()
    if field is None:
        return value
    if required and not value:
        raise ValidationFailed(fields={field: [required_message or _("This field is required.")]})
    if max_length is not None and len(value) > max_length:
        message = too_long_message or _("At most %(n)d characters.") % {"n": max_length}
        raise too_long_error(fields={field: [message]})
    return value
