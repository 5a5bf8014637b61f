"""What a payment's references are, told by the higher apps that own them, without payments importing them.

A payment pays for references: order numbers (orders) or a higher app's own references (tips: "TIP-<id>").
The pay page speaks of orders and escrow unless the app that owns a reference describes it. That app
registers a describer for its prefix in its AppConfig.ready() (like common.page_parts and
payments.services.refunds.references_not_refundable):

    PAYMENT_REFERENCES.register(prefix="TIP-", describe=tip_references_described)

`describe(references)` gets the references with that prefix (one call per page, so one query) and returns
a ReferenceDescription for each one it knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceDescription:
    label: str  # what is paid for, in words ("Tip ¥5 to <shop> in <show>")
    back_url: str  # where the buyer goes back to from the pay page
    back_label: str  # the back link's text ("Back to the show")
    escrow: bool = False  # the money is held until the buyer confirms receipt (orders: always)


Describer = Callable[[list[str]], dict[str, ReferenceDescription]]


class PaymentReferences:
    def __init__(self) -> None:
        self._describers: dict[str, Describer] = {}

    def register(self, *, prefix: str, describe: Describer) -> None:
        """Registering a prefix again replaces its describer (ready() may run more than once)."""
        self._describers[prefix] = describe

    def describe(self, references: Iterable[str]) -> dict[str, ReferenceDescription]:
        """The described references among `references` (an order number is not: the page keeps its words)."""
        references = list(references)
        described: dict[str, ReferenceDescription] = {}
        for prefix, describe in self._describers.items():
            mine = [reference for reference in references if reference.startswith(prefix)]
            if mine:
                described.update(describe(mine))
        return described


PAYMENT_REFERENCES = PaymentReferences()
