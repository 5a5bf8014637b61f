"""Money helpers. Amounts are Decimal yuan in the API and integer fen in the ledger."""

from decimal import ROUND_HALF_UP, Decimal

CURRENCY = "CNY"
CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    return int(quantize(amount) * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(CENT)


def money(amount: Decimal) -> dict:
    return {"amount": f"{quantize(amount):.2f}", "currency": CURRENCY}
