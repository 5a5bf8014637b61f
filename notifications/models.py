from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ORDER_NEW = "order_new", _("New order")
    ORDER_PAID = "order_paid", _("Order paid")
    ORDER_SHIPPED = "order_shipped", _("Order shipped")
    ORDER_PRICE_CHANGED = "order_price_changed", _("Order price lowered by the seller")
    AUTO_CONFIRM_SOON = "auto_confirm_soon", _("Receipt will be confirmed automatically soon")
    ORDER_COMPLETED = "order_completed", _("Receipt confirmed")
    REFUND_REQUESTED = "refund_requested", _("Refund requested")
    REFUND_ANSWERED = "refund_answered", _("Refund request answered")
    REFUND_ESCALATED = "refund_escalated", _("Refund escalated to the platform")
    CHAT_MESSAGE = "chat_message", _("New chat message")
    REVIEW_RECEIVED = "review_received", _("New review")
    PAYOUT_PAID = "payout_paid", _("Payout paid")
    SHOP_STATUS = "shop_status", _("Shop approved or suspended")
    MODERATION = "moderation", _("A listing delisted or approved by the platform")
    SHOP_STAFF = "shop_staff", _("Shop staff: invitations, removals, departures")
    SHOW_LIVE = "show_live", _("A shop you follow is live")


class Notification(models.Model):
    """Shown once: `key` names the event, so a retried task finds the row it already wrote."""

    # No index of its own: the index on (user_id, id) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=24, choices=Kind.choices)
    key = models.CharField(verbose_name=_("key"), max_length=120)
    # What it says: a template of notifications/messages.py and its values, rendered in the reader's language
    # when read. `text` is a literal shown as is, only where there is no template (rows from before them).
    message = models.CharField(verbose_name=_("message"), max_length=40, blank=True)
    params = models.JSONField(verbose_name=_("values"), default=dict, blank=True)
    text = models.CharField(verbose_name=_("text"), max_length=500, blank=True)
    url = models.CharField(verbose_name=_("URL"), max_length=300, blank=True)
    read_at = models.DateTimeField(verbose_name=_("read at"), null=True, blank=True)
    # The e-mail task's claim: set before the send (outside any transaction), cleared if it fails.
    email_claimed_at = models.DateTimeField(verbose_name=_("email claimed at"), null=True, blank=True)
    emailed_at = models.DateTimeField(verbose_name=_("emailed at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["user", "-id"]),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}:{self.key}"

    def render(self, language: str | None = None) -> str:
        """The text in `language` (None: the active one)."""
        from notifications.messages import message_render

        return message_render(self.message, self.params, language=language, fallback=self.text)


class Preference(models.Model):
    """Per person and kind: in-app only, or in-app and e-mail (the default)."""

    # No index of its own: the index on (user_id, kind) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_prefs",
        db_index=False,
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=24, choices=Kind.choices)
    email = models.BooleanField(verbose_name=_("email"), default=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        ordering = ["user_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}:{'email' if self.email else 'in-app'}"
