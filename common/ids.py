"""Ids that come from a URL, a form or a JSON body: one rule for what counts as an id."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from common.errors import NotFound, ValidationFailed

MAX_ID = 2**63 - 1  # a PostgreSQL bigint
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(value: Any, *, field: str | None = None, message: str | None = None) -> int:
    """A positive 64-bit integer, given as an int or a string of ASCII digits (no sign, no decimals, no
    booleans, no exponents).

    Without `field` (an id in a URL: "not there"), anything else is 404 `not_found`. With `field` (an id
    the client sent in a form or body), it is 400 `validation_error` on that field, with `message` (say
    which thing is meant: "Give the SKU's id.") or a generic one."""
    if isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_DIGITS:
            value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        if field is None:
            raise NotFound()
        raise ValidationFailed(fields={field: [message or _("Give a valid id.")]})
    return value
