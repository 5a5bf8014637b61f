"""A seller's offer in a conversation: these SKUs, at these prices, with this shipping fee, until then."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Sku
from chat.models import Conversation
from shops.models import Shop


class Offer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded")

    # No index of its own: the index on (conversation_id, id) leads with it.
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.PROTECT, related_name="offers", db_index=False
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="offers")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="offers_received"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(verbose_name=_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    shipping_fee = models.DecimalField(verbose_name=_("shipping fee"), max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(verbose_name=_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    note = models.CharField(verbose_name=_("note"), max_length=500, blank=True)
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"], condition=Q(status="pending"), name="offer_one_pending_per_conversation"
            ),
            models.CheckConstraint(condition=Q(shipping_fee__gte=0), name="offer_shipping_fee_non_negative"),
            models.CheckConstraint(condition=Q(total__gt=0), name="offer_total_positive"),
            models.CheckConstraint(
                condition=Q(order__isnull=True) | Q(status="accepted"), name="offer_order_only_when_accepted"
            ),
        ]
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(status="pending"), name="offer_pending_expiry"),
            models.Index(fields=["conversation", "-id"], name="offer_conversation"),
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk} ({self.status})"


class OfferLine(models.Model):
    # No index of its own: the index on (offer_id, sku_id) leads with it.
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    price = models.DecimalField(verbose_name=_("offered price"), max_digits=10, decimal_places=2)
    list_price = models.DecimalField(verbose_name=_("list price"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offer line")
        verbose_name_plural = _("offer lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="offer_line_quantity_positive"),
            models.CheckConstraint(condition=Q(price__gt=0), name="offer_line_price_positive"),
            models.UniqueConstraint(fields=["offer", "sku"], name="offer_line_one_per_sku"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku} at {self.price}"

    @property
    def subtotal(self):
        return self.price * self.quantity


class Proposal(models.Model):
    """A buyer's counter-proposal in a conversation: these SKUs and quantities, at these unit prices or for
    this total. It binds nobody: the shop may turn it into an offer (its form is prefilled from it)."""

    # No index of its own: the index on (conversation_id, id) leads with it.
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.PROTECT, related_name="proposals", db_index=False
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="proposals")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="proposals_sent"
    )
    # The total the buyer proposes (shipping included); empty when every line names its unit price.
    total = models.DecimalField(
        verbose_name=_("proposed total"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    note = models.CharField(verbose_name=_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("counter-proposal")
        verbose_name_plural = _("counter-proposals")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__isnull=True) | Q(total__gt=0), name="proposal_total_positive"),
        ]
        indexes = [models.Index(fields=["conversation", "-id"], name="proposal_conversation")]

    def __str__(self) -> str:
        return f"Proposal {self.pk}"


class ProposalLine(models.Model):
    # No index of its own: the index on (proposal_id, sku_id) leads with it.
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("counter-proposal"), on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    # The unit price the buyer asks for; empty when the proposal names a total instead.
    price = models.DecimalField(
        verbose_name=_("proposed price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    list_price = models.DecimalField(verbose_name=_("list price"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("counter-proposal line")
        verbose_name_plural = _("counter-proposal lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="proposal_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="proposal_line_price_positive"
            ),
            models.UniqueConstraint(fields=["proposal", "sku"], name="proposal_line_one_per_sku"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"
