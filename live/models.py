"""Live selling: shows (scheduled → live → ended), the room's chat, and the room's moderation."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from live.errors import MAX_TITLE
from shops.models import Shop


def new_public_id() -> str:
    """The show's name in HLS URLs: random, unrelated to the stream key."""
    return secrets.token_hex(8)


def new_stream_key() -> str:
    return "sk_" + secrets.token_urlsafe(24)


class ShowStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Starting soon")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


class ShowQuerySet(models.QuerySet):
    def for_seller(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(shop__members__user=user)

    def public(self):
        return self.filter(shop__status=Shop.Status.APPROVED)


class Show(models.Model):
    # No index of its own: the index on (shop_id, status, starts_at) leads with it.
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="shows", db_index=False)
    title = models.CharField(max_length=MAX_TITLE)
    description = models.TextField(blank=True, max_length=2000)
    starts_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ShowStatus.choices, default=ShowStatus.SCHEDULED)
    products = models.ManyToManyField(Product, blank=True, related_name="+")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    stream_key = models.CharField(max_length=64, unique=True, default=new_stream_key)
    # The key the running stream was published with: nginx names it in publish-done (a key rotated
    # during the show must still end it).
    publishing_key = models.CharField(max_length=64, blank=True)
    publisher_addr = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    ended_by_operator = models.BooleanField(default=False)
    # Slow mode: one message per this many seconds per viewer (0: off).
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    peak_viewers = models.PositiveIntegerField(default=0)
    # The product the seller presents now (the room's card; live.services.pins); null: none.
    pinned_product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The cover (re-encoded, at most 1,600 px a side) and its thumbnail for the cards (live.services.covers).
    cover = models.ImageField(upload_to="live/covers/", blank=True)
    cover_thumb = models.ImageField(upload_to="live/covers/thumbs/", blank=True)
    replay = models.FileField(upload_to="live/replays/", blank=True)
    replay_duration = models.FloatField(null=True, blank=True)
    replay_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShowQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="live_show_status_start"),
            models.Index(fields=["shop", "status", "-starts_at"], name="live_show_shop_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(slow_mode_seconds__lte=3600), name="live_show_slow_mode_max"),
            models.CheckConstraint(condition=Q(likes__gte=0), name="live_show_likes_nonneg"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def hls_url(self) -> str | None:
        """Where viewers play the running stream (nginx serves it; named by the public id, never the key)."""
        if self.status != ShowStatus.LIVE:
            return None
        return f"{settings.LIVE_HLS_URL.rstrip('/')}/{self.public_id}.m3u8"

    @property
    def cover_url(self) -> str | None:
        return self.cover.url if self.cover else None

    @property
    def cover_thumb_url(self) -> str | None:
        return self.cover_thumb.url if self.cover_thumb else None

    @property
    def replay_url(self) -> str | None:
        return self.replay.url if self.replay else None

    @property
    def product_ids(self) -> list[int]:
        return [product.pk for product in self.products.all()]  # prefetched where shows are listed

    @property
    def room_url(self) -> str:
        return reverse("live:room", args=[self.pk])


class ShowPin(models.Model):
    """One time a product was pinned in a show: a chapter of the replay (the offset is from started_at)."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="pins")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    pinned_at = models.DateTimeField()
    unpinned_at = models.DateTimeField(null=True, blank=True)  # null: pinned now
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pinned_at", "id"]
        constraints = [
            # At most one open pin per show (the card shows one product).
            models.UniqueConstraint(fields=["show"], condition=Q(unpinned_at__isnull=True), name="live_pin_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.show_id}"

    @property
    def offset_seconds(self) -> int:
        """Where this chapter starts in the replay (seconds after the stream started)."""
        started = self.show.started_at
        if started is None or self.pinned_at < started:
            return 0
        return int((self.pinned_at - started).total_seconds())


class LiveBar(models.Model):
    """An operator barred this shop from going live (until lifted: the row is deleted)."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="live_bar")
    reason = models.CharField(max_length=500)
    barred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.shop}: {self.reason}"


class RoomModerator(models.Model):
    """Someone the shop named to moderate its rooms (mute, remove), without working for the shop."""

    # No index of its own: the index on (shop_id, user_id) leads with it.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="room_moderators", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="live_moderator_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop}"


class BlockedWord(models.Model):
    """A word the shop does not want in its rooms: messages containing it never reach other viewers."""

    # No index of its own: the index on (shop_id, word) leads with it.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="blocked_words", db_index=False)
    word = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["word"]
        constraints = [models.UniqueConstraint(fields=["shop", "word"], name="live_blocked_word_once")]

    def __str__(self) -> str:
        return self.word


class RoomRestriction(models.Model):
    """A viewer muted (until a time, or for the whole show) or removed from a show's room."""

    class Kind(models.TextChoices):
        MUTE = "mute", _("Muted")
        REMOVE = "remove", _("Removed from the room")

    # No index of its own: the index on (show_id, user_id, kind) leads with it.
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="restrictions", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    until = models.DateTimeField(null=True, blank=True)  # null: until the show ends
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["show", "user", "kind"], name="live_restriction_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user} in {self.show}"


class RoomMessage(models.Model):
    class Role(models.TextChoices):
        VIEWER = "viewer", _("Viewer")
        SELLER = "seller", _("Seller")
        MODERATOR = "moderator", _("Moderator")

    # No index of its own: the index on (show_id, id) leads with it.
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="messages", db_index=False)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    text = models.CharField(max_length=500)
    client_id = models.CharField(max_length=64, blank=True)
    hidden = models.BooleanField(default=False)  # taken down by a moderator
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["show", "id"], name="live_message_show_id"),
            models.Index(fields=["-reported_at"], condition=Q(reported_at__isnull=False), name="live_msg_reported"),
        ]

    def __str__(self) -> str:
        return self.text[:40]
