"""Reading tips: what a sender has tipped (the caps), a show's totals (its statistics), the room's part."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.money import money_str
from tips.models import Tip
from tips.rules import tip_amounts, tip_payment_deadline


def tips_counted(*, now: datetime):
    """The tips that count against the caps: paid, and pending ones whose payment may still arrive."""
    return Tip.objects.filter(
        Q(status=Tip.Status.PAID) | Q(status=Tip.Status.PENDING, created_at__gt=now - tip_payment_deadline())
    )


def sender_tipped(*, sender_id: int, show_id: int, now: datetime) -> tuple[Decimal, Decimal]:
    """What the sender tipped (pending included) in this show, and today (the site's day). One query."""
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    in_show, today = Q(show_id=show_id), Q(created_at__gte=day_start)
    sums = (
        tips_counted(now=now)
        .filter(in_show | today, sender_id=sender_id)
        .aggregate(show=Sum("amount", filter=in_show), today=Sum("amount", filter=today))
    )
    return sums["show"] or Decimal("0"), sums["today"] or Decimal("0")


def show_tip_totals(*, show_id: int) -> dict:
    sums = Tip.objects.filter(show_id=show_id, status=Tip.Status.PAID).aggregate(
        count=Count("id"), gross=Sum("amount"), commission=Sum("commission")
    )
    gross, commission = sums["gross"] or Decimal("0"), sums["commission"] or Decimal("0")
    return {"count": sums["count"], "gross": gross, "commission": commission, "net": gross - commission}


def show_tip_stats(show) -> dict[str, object]:
    """The show's statistics rows (live.extensions.SHOW_PARTS): paid tips, their sum, the shop's net and
    the platform's commission."""
    totals = show_tip_totals(show_id=show.pk)
    return {
        _("Tips"): totals["count"],
        _("Tips received"): money_str(totals["gross"]),
        _("Tips net to the shop"): money_str(totals["net"]),
        _("Tip commission"): money_str(totals["commission"]),
    }


def tip_show_detail(show) -> dict:
    """The room's tips part (live.extensions.SHOW_PARTS): the fixed amounts and the caps; `open` while live."""
    return {
        "amounts": [money_str(a) for a in tip_amounts()],
        "open": show.status == "live",
        "cap_show": money_str(settings.TIP_CAP_PER_SHOW),
        "cap_day": money_str(settings.TIP_CAP_PER_DAY),
    }
