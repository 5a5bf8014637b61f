"""Money helpers. Amounts are Decimal yuan in the API and integer fen in the ledger.

One formatter per written form: `money_str` (the API's JSON string, "12.30"), `fen_str` (the same from
integer fen, for the ledger's pages and files) and `money_html` (a page's price tag, "¥12.30")."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString

CURRENCY = "CNY"
CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    return int(quantize(amount) * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(CENT)


def money_str(amount: Decimal) -> str:
    """12.3 → "12.30": an amount in yuan as the API writes it (a string, two decimals, sign kept)."""
    return f"{Decimal(amount):.2f}"


def fen_str(fen: int | None) -> str:
    """Integer fen → "12.34" (sign kept; None is 0)."""
    return money_str(from_fen(int(fen or 0)))


def money_html(amount) -> SafeString | str:
    """A price on a page: <span class="price"><small>¥</small>12.30</span>; "" for what is not a number."""
    try:
        return format_html('<span class="price"><small>¥</small>{}</span>', f"{amount:.2f}")
    except (TypeError, ValueError):
        return ""
