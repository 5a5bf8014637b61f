"""Flash deals in a live room: a SKU at a deal price, a quantity, a per-buyer limit, a countdown and a window.

The status is never stored: it follows from the server's clock (upcoming before `starts_at`, open until
`ends_at`, then ended), so a page, an API answer and a pushed frame all agree without a job having run.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Sku
from live.models import Show
from orders.models import Order


class DealStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Starting soon")
    OPEN = "open", _("On now")
    ENDED = "ended", _("Ended")


def deal_status_at(*, starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    if now < starts_at:
        return DealStatus.UPCOMING
    if now < ends_at:
        return DealStatus.OPEN
    return DealStatus.ENDED


class Deal(models.Model):
    # No index of its own: the index on (show_id, ends_at) leads with it.
    show = models.ForeignKey(
        Show, verbose_name=_("show"), on_delete=models.CASCADE, related_name="deals", db_index=False
    )
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(_("deal price"), max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    # Taken by claims with a conditional UPDATE (remaining >= n); an unpaid claim cancelled gives it back.
    remaining = models.PositiveIntegerField(_("remaining"))
    per_buyer_limit = models.PositiveIntegerField(_("per-buyer limit"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("flash deal")
        verbose_name_plural = _("flash deals")
        indexes = [models.Index(fields=["show", "-ends_at"], name="deals_deal_show_ends")]
        constraints = [
            models.CheckConstraint(condition=Q(remaining__lte=F("quantity")), name="deals_remaining_within_quantity"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="deals_quantity_positive"),
            models.CheckConstraint(condition=Q(per_buyer_limit__gte=1), name="deals_limit_positive"),
            models.CheckConstraint(condition=Q(price__gt=0), name="deals_price_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="deals_window_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id} @ {self.price} ({self.show_id})"

    def status_at(self, now: datetime) -> str:
        return deal_status_at(starts_at=self.starts_at, ends_at=self.ends_at, now=now)

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())


class DealBuyer(models.Model):
    """How much one buyer holds of a deal: the per-buyer limit is a conditional UPDATE on this row
    (claimed + n <= limit), so twenty claims at once by one buyer pass at most up to the limit."""

    # No index of its own: the index on (deal_id, buyer_id) leads with it.
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="buyers", db_index=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["deal", "buyer"], name="deals_buyer_once")]

    def __str__(self) -> str:
        return f"{self.buyer_id} × {self.claimed} @ {self.deal_id}"


class DealClaim(models.Model):
    """One claim: the order it placed at the deal's price. `released`: the order was cancelled unpaid and
    its quantity went back to the deal (once: `released_by_event` is the cancelled event that did it)."""

    deal = models.ForeignKey(Deal, verbose_name=_("flash deal"), on_delete=models.CASCADE, related_name="claims")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    released = models.BooleanField(_("returned to the deal"), default=False)
    released_by_event = models.BigIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deal claim")
        verbose_name_plural = _("deal claims")

    def __str__(self) -> str:
        return f"{self.order_id} ({self.quantity})"
