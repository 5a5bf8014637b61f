"""How tips describe their payment references ("TIP-<id>") to payments' pay page (payments.references),
registered in TipsConfig.ready(): what the tip is for, no escrow, and back to the show's room."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from payments.references import ReferenceDescription
from tips.models import Tip, tip_id_from_reference


def _yuan(amount: Decimal) -> str:
    """5.00 → "5", 5.50 → "5.50": a tip's amount as the room's buttons show it."""
    return f"{amount:.2f}".removesuffix(".00")


def tip_references_described(references: list[str]) -> dict[str, ReferenceDescription]:
    """The TIP- references' descriptions (one query); an unknown tip is left out."""
    ids = [pk for pk in map(tip_id_from_reference, references) if pk is not None]
    tips = Tip.objects.filter(pk__in=ids).select_related("shop", "show")
    return {
        tip.reference: ReferenceDescription(
            label=_("Tip ¥%(amount)s to %(shop)s in %(show)s")
            % {"amount": _yuan(tip.amount), "shop": tip.shop.name, "show": tip.show.title},
            back_url=reverse("live:room", kwargs={"show_id": tip.show_id}),
            back_label=_("Back to the show"),
            escrow=False,
        )
        for tip in tips
    }
