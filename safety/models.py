"""Strikes for contact details in chat, the mutes they lead to, and the operators' queue of senders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    CHAT = "chat", _("Chat")
    LIVE = "live", _("Live room")
    OFFER = "offer", _("Offer note")


class ContactStrike(models.Model):
    """One message whose contact details were masked. The original text is for operators only."""

    # No index of its own: the index on (user_id, created_at) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.CASCADE,
        related_name="contact_strikes",
        db_index=False,
    )
    source = models.CharField(verbose_name=_("where"), max_length=8, choices=Source.choices)
    source_id = models.BigIntegerField(verbose_name=_("conversation or show"))
    kinds = models.JSONField(verbose_name=_("what was found"), default=list)
    original_text = models.TextField(verbose_name=_("original text"))
    masked_text = models.TextField(verbose_name=_("text as delivered"))
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact-detail strike")
        verbose_name_plural = _("contact-detail strikes")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="safety_strike_user_recent")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_source_display()} {self.source_id}"


class ChatMute(models.Model):
    """A sender who may not write in chats or rooms until `until` (three strikes in 30 days)."""

    # No index of its own: the index on (user_id, until) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="chat_mutes",
        db_index=False,
    )
    until = models.DateTimeField(verbose_name=_("until"))
    reason = models.CharField(verbose_name=_("reason"), max_length=200)
    # The operators' queue: a mute waits for an operator to look at the conversation behind it.
    source = models.CharField(verbose_name=_("where"), max_length=8, choices=Source.choices)
    source_id = models.BigIntegerField(verbose_name=_("conversation or show"))
    reviewed_at = models.DateTimeField(verbose_name=_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("chat mute")
        verbose_name_plural = _("chat mutes")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "-until"], name="safety_mute_user_until"),
            models.Index(fields=["created_at"], condition=Q(reviewed_at__isnull=True), name="safety_mute_unreviewed"),
        ]

    def __str__(self) -> str:
        return f"{self.user} until {self.until:%Y-%m-%d %H:%M}"
