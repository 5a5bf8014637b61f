"""Orders (one per shop per checkout) with lines, events, after-sale refund requests, and idempotency keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Sku
from payments.models import Payment, Refund
from shops.models import Shop


class OrderQuerySet(models.QuerySet):
    def for_buyer(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(buyer=user)

    def for_shop(self, shop):
        return self.filter(shop=shop)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", _("Paid, to be shipped")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    number = models.CharField(verbose_name=_("number"), max_length=24, unique=True)
    # buyer and shop: no index of their own, the Meta's indexes lead with each (one index less to write per
    # order; bench B1)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT
    )
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    total = models.DecimalField(verbose_name=_("total"), max_digits=12, decimal_places=2)
    # Part of the total (an offer's shipping fee); commission is never taken on it.
    shipping_fee = models.DecimalField(verbose_name=_("shipping fee"), max_digits=10, decimal_places=2, default=0)
    # 改价: how many times the seller lowered the unpaid total (at most PRICE_CHANGES_MAX).
    price_changes = models.PositiveSmallIntegerField(verbose_name=_("price changes"), default=0)
    item_count = models.PositiveIntegerField(verbose_name=_("item count"), default=0)
    # The shipping address, as it was at checkout.
    ship_name = models.CharField(verbose_name=_("ship name"), max_length=30)
    ship_phone = models.CharField(verbose_name=_("ship phone"), max_length=20)
    ship_province = models.CharField(verbose_name=_("ship province"), max_length=30)
    ship_city = models.CharField(verbose_name=_("ship city"), max_length=30)
    ship_line = models.CharField(verbose_name=_("ship address"), max_length=200)
    carrier = models.CharField(verbose_name=_("carrier"), max_length=40, blank=True)
    tracking_number = models.CharField(verbose_name=_("tracking number"), max_length=40, blank=True)
    # Where the order was placed from (orders.attribution): e.g. "show" and the live show's id; blank: the shop.
    source_kind = models.CharField(verbose_name=_("source"), max_length=16, blank=True)
    source_id = models.BigIntegerField(verbose_name=_("source id"), null=True, blank=True)
    payment_deadline_at = models.DateTimeField(verbose_name=_("payment deadline at"))
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(verbose_name=_("shipped at"), null=True, blank=True)
    # None while a refund request is open
    auto_confirm_at = models.DateTimeField(verbose_name=_("auto confirm at"), null=True, blank=True)
    completed_at = models.DateTimeField(verbose_name=_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)
    refunded_at = models.DateTimeField(verbose_name=_("refunded at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"]),
            models.Index(fields=["buyer", "status", "-created_at"]),
            models.Index(fields=["shop", "status", "-created_at"]),
            models.Index(fields=["shop", "-created_at"]),
            models.Index(
                fields=["payment_deadline_at"], condition=Q(status="pending_payment"), name="order_unpaid_deadline"
            ),
            models.Index(fields=["auto_confirm_at"], condition=Q(status="shipped"), name="order_auto_confirm"),
            models.Index(fields=["source_kind", "source_id"], condition=~Q(source_kind=""), name="order_source"),
        ]
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="order_total_non_negative")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open_for_refund(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.SHIPPED)


class OrderLine(models.Model):
    """A snapshot of what was bought, at what price, and the commission rate frozen at the sale."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="order_lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="order_lines"
    )
    product_title = models.CharField(verbose_name=_("product title"), max_length=120)
    sku_name = models.CharField(verbose_name=_("sku name"), max_length=60)
    unit_price = models.DecimalField(verbose_name=_("unit price"), max_digits=10, decimal_places=2)
    # The SKU's price at the time; unit_price differs from it when an offer in the chat set the price.
    list_price = models.DecimalField(verbose_name=_("list price"), max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    subtotal = models.DecimalField(verbose_name=_("subtotal"), max_digits=12, decimal_places=2)
    commission_rate = models.DecimalField(verbose_name=_("commission rate"), max_digits=5, decimal_places=4)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(commission_rate__gte=0, commission_rate__lt=1), name="order_line_commission_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_title} / {self.sku_name}"


class OrderEvent(models.Model):
    """Append-only log of everything that happened to an order: the buyer's timeline."""

    class Type(models.TextChoices):
        PLACED = "placed", _("Order placed")
        PAID = "paid", _("Paid (held in escrow)")
        CANCELLED = "cancelled", _("Cancelled")
        SHIPPED = "shipped", _("Shipped")
        RECEIPT_CONFIRMED = "receipt_confirmed", _("Receipt confirmed")
        REFUND_REQUESTED = "refund_requested", _("Refund requested")
        REFUND_ACCEPTED = "refund_accepted", _("Refund accepted")
        REFUND_REJECTED = "refund_rejected", _("Refund rejected by the seller")
        REFUND_ESCALATED = "refund_escalated", _("Refund escalated to the platform")
        REFUND_DENIED = "refund_denied", _("Refund denied by the platform")
        REFUNDED = "refunded", _("Money refunded")
        REVIEWED = "reviewed", _("Reviewed by the buyer")
        PRICE_CHANGED = "price_changed", _("Price lowered by the seller")

    # No index of its own: the Meta's (order, at) leads with it.
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    type = models.CharField(verbose_name=_("type"), max_length=20, choices=Type.choices)
    at = models.DateTimeField(verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(verbose_name=_("data"), default=dict, blank=True)
    # The event's transactional outbox (orders.services.events.order_events_publish): null until a batch
    # consumer (the notifications' drain) has taken it. Written by the same INSERT as the event, so a
    # committed event is never lost and a rolled-back one never published.
    published_at = models.DateTimeField(
        verbose_name=_("notified at"),
        null=True,
        blank=True,
        help_text=_("When the event was handed to its notifications; empty while it waits."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["order", "at"]),
            # The waiting events only: stays as small as the outbox (published ones leave it).
            models.Index(fields=["id"], condition=models.Q(published_at__isnull=True), name="orders_event_unpublished"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class RefundRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=RefundRequest.OPEN_STATUSES)


class RefundRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the seller")
        ACCEPTED = "accepted", _("Accepted, refunding")
        REJECTED = "rejected", _("Rejected")
        ESCALATED = "escalated", _("With the platform")
        REFUNDED = "refunded", _("Refunded")

    OPEN_STATUSES = (Status.REQUESTED, Status.ACCEPTED, Status.ESCALATED)

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="refund_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(verbose_name=_("reason"), max_length=500)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    return_goods = models.BooleanField(verbose_name=_("return goods"), default=False)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    respond_by = models.DateTimeField(verbose_name=_("respond by"))
    seller_note = models.CharField(verbose_name=_("seller note"), max_length=500, blank=True)
    operator_note = models.CharField(verbose_name=_("operator note"), max_length=500, blank=True)
    # How long auto-confirm had left when the request paused it; it resumes with that much.
    auto_confirm_remaining = models.DurationField(verbose_name=_("auto confirm remaining"), null=True, blank=True)
    refund = models.ForeignKey(
        Refund, verbose_name=_("refund"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(verbose_name=_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = RefundRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["respond_by"], condition=Q(status="requested"), name="refund_request_due"),
            models.Index(fields=["status", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["requested", "accepted", "escalated"]),
                name="refund_request_one_open_per_order",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_request_amount_positive"),
        ]
        # Operators decide escalated requests (orders.services.refunds.refund_request_grant / _deny).
        permissions = [("decide_refundrequest", "Can grant or deny escalated refund requests")]

    def __str__(self) -> str:
        return _("Refund request %(id)s for order %(order)s (%(status)s)") % {
            "id": self.pk,
            "order": self.order_id,
            "status": self.get_status_display(),
        }


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for a money-moving write: the first answer, replayed for the same body."""

    # No index of its own: the unique (user, key) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(verbose_name=_("key"), max_length=255)
    request_hash = models.CharField(verbose_name=_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(verbose_name=_("status code"), null=True, blank=True)
    response_json = models.JSONField(verbose_name=_("response json"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
