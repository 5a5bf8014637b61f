"""Pre-purchase chat: one conversation per buyer and shop, and its messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from shops.models import Shop


class Role(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


class ConversationQuerySet(models.QuerySet):
    def for_buyer(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(buyer=user)

    def for_seller(self, user):
        """Conversations of the shop the user works for (owner and staff share the shop's side)."""
        if not user.is_authenticated:
            return self.none()
        from shops.models import ShopMember

        return self.filter(shop_id__in=ShopMember.objects.filter(user=user).values("shop_id"))

    def for_participant(self, user):
        if not user.is_authenticated:
            return self.none()
        from shops.models import ShopMember

        return self.filter(Q(buyer=user) | Q(shop_id__in=ShopMember.objects.filter(user=user).values("shop_id")))


class Conversation(models.Model):
    # No index of its own: the index on (buyer_id, last_message_at, id) leads with it.
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="chat_conversations",
        db_index=False,
    )
    # No index of its own: the index on (shop_id, last_message_at, id) leads with it.
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="conversations", db_index=False
    )
    # The product the buyer asked about most recently (shown pinned on the conversation).
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message = models.ForeignKey(
        "Message", verbose_name=_("last message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(verbose_name=_("last message at"), null=True, blank=True)
    # Read marks: the highest message id each side has seen.
    buyer_last_read_id = models.BigIntegerField(verbose_name=_("buyer last read id"), default=0)
    shop_last_read_id = models.BigIntegerField(verbose_name=_("shop last read id"), default=0)
    # Unread counts, written only by chat services under the conversation's row lock and recomputed
    # from the messages on every read mark, so they cannot drift for long.
    buyer_unread = models.PositiveIntegerField(verbose_name=_("buyer unread"), default=0)
    shop_unread = models.PositiveIntegerField(verbose_name=_("shop unread"), default=0)
    reported = models.BooleanField(verbose_name=_("reported"), default=False)
    report_reason = models.CharField(verbose_name=_("report reason"), max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(verbose_name=_("reported at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["buyer", "shop"], name="chat_conversation_buyer_shop")]
        indexes = [
            # "my chats" and the seller inbox, newest first.
            models.Index(fields=["buyer", "-last_message_at", "-id"], name="chat_conv_buyer_inbox"),
            models.Index(fields=["shop", "-last_message_at", "-id"], name="chat_conv_shop_inbox"),
            models.Index(fields=["-reported_at"], condition=Q(reported=True), name="chat_conv_reported"),
            # Unread totals (badges, every unread push) and the offline e-mail sweep read only these.
            models.Index(fields=["buyer"], condition=Q(buyer_unread__gt=0), name="chat_conv_buyer_unread"),
            models.Index(fields=["shop"], condition=Q(shop_unread__gt=0), name="chat_conv_shop_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} ↔ {self.shop}"

    def role_of(self, user) -> str:
        return Role.BUYER if user.pk == self.buyer_id else Role.SELLER


class PhotoHold(models.TextChoices):
    """A photo carrying a 2-D code (a WeChat or Alipay QR) waits for an operator instead of reaching the other side."""

    NONE = "", _("delivered")
    HELD = "held", _("held for an operator")
    RELEASED = "released", _("released by an operator")
    REJECTED = "rejected", _("rejected by an operator")


class Message(models.Model):
    # No index of its own: the index on (conversation_id, id) leads with it.
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT, related_name="chat_messages"
    )
    sender_role = models.CharField(verbose_name=_("sender role"), max_length=6, choices=Role.choices)
    text = models.TextField(verbose_name=_("text"), blank=True, max_length=2000)
    # A product card: the link, plus what the buyer saw when it was sent (evidence in a dispute).
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_card = models.JSONField(verbose_name=_("product card"), null=True, blank=True)
    # A seller's offer (offers app) as it was sent: its id, lines, total and expiry (chat.serializers.OfferCardOut).
    offer_card = models.JSONField(verbose_name=_("offer card"), null=True, blank=True)
    # A buyer's counter-proposal (offers app) as it was sent: the lines and prices the buyer asks for.
    proposal_card = models.JSONField(verbose_name=_("proposal card"), null=True, blank=True)
    # "contact_details": details in the text were masked (safety), the original is kept for operators only.
    flags = models.JSONField(verbose_name=_("flags"), default=list, blank=True)
    image = models.ImageField(verbose_name=_("image"), upload_to="chat/%Y/%m/", blank=True)
    photo_hold = models.CharField(
        verbose_name=_("photo hold"), max_length=8, choices=PhotoHold.choices, blank=True, default=PhotoHold.NONE
    )
    # What the code reader found in a held photo (operators only).
    photo_codes = models.JSONField(verbose_name=_("codes in the photo"), default=list, blank=True)
    client_id = models.CharField(verbose_name=_("client id"), max_length=64, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["conversation", "id"], name="chat_msg_conv_id"),
            models.Index(fields=["id"], condition=Q(photo_hold="held"), name="chat_msg_photo_held"),
        ]
        constraints = [
            # A resent frame (after a reconnect) finds its first copy instead of making a second one.
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_id"],
                condition=~Q(client_id=""),
                name="chat_message_client_id_once",
            ),
            models.CheckConstraint(
                condition=~Q(text="")
                | Q(product__isnull=False)
                | ~Q(image="")
                | Q(product_card__isnull=False)
                | Q(offer_card__isnull=False)
                | Q(proposal_card__isnull=False),
                name="chat_message_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.sender_role})"  # no text: admin pages show it only where allowed


class HeldPhoto(Message):
    """The operators' queue of photos with a QR code (admin), released or rejected by chat.services.photo_holds."""

    class Meta:
        proxy = True
        verbose_name = _("held chat photo")
        verbose_name_plural = _("held chat photos")


class OfflineNotice(models.Model):
    """One e-mail per unread burst: the burst is named by its first unread message."""

    # No index of its own: the index on (conversation_id, recipient_role, first_message_id) leads with it.
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="offline_notices",
        db_index=False,
    )
    recipient_role = models.CharField(verbose_name=_("recipient role"), max_length=6, choices=Role.choices)
    first_message = models.ForeignKey(
        Message, verbose_name=_("first message"), on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)
    recipients = models.CharField(verbose_name=_("recipients"), max_length=500, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offline notice")
        verbose_name_plural = _("offline notices")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "recipient_role", "first_message"], name="chat_offline_notice_once_per_burst"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.recipient_role} from #{self.first_message_id}"
