"""Text cleaning for anything a user types that other people will read."""

import re
import unicodedata

# C0/C1 control characters except tab, newline and carriage return; also bidi overrides.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str, *, multiline: bool = True) -> str:
    value = unicodedata.normalize("NFC", str(value))
    value = _CONTROL.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    return value.strip()
