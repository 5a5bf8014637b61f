from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShopQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Shop.Status.APPROVED)

    def for_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(members__user=user)


class Shop(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_shop"
    )
    name = models.CharField(verbose_name=_("name"), max_length=60)
    slug = models.SlugField(verbose_name=_("slug"), max_length=80, unique=True)
    description = models.TextField(verbose_name=_("description"), blank=True, max_length=5000)
    province = models.CharField(verbose_name=_("province"), max_length=30)
    city = models.CharField(verbose_name=_("city"), max_length=30)
    village = models.CharField(verbose_name=_("village"), max_length=60, blank=True)
    contact = models.CharField(verbose_name=_("contact"), max_length=100, blank=True)
    logo = models.ImageField(verbose_name=_("logo"), upload_to="shops/logos/", blank=True)
    banner = models.ImageField(verbose_name=_("banner"), upload_to="shops/banners/", blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    status_reason = models.CharField(verbose_name=_("status reason"), max_length=300, blank=True)
    approved_at = models.DateTimeField(verbose_name=_("approved at"), null=True, blank=True)
    # A suspended shop's owner asks an operator to look again (the operators' queue); cleared on a decision.
    review_requested_at = models.DateTimeField(verbose_name=_("review requested at"), null=True, blank=True)
    review_note = models.CharField(verbose_name=_("review note"), max_length=500, blank=True)
    # Review aggregates, kept by the reviews services (recomputable with rebuild_ratings).
    rating = models.DecimalField(verbose_name=_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    score_as_described = models.DecimalField(
        verbose_name=_("score as described"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    score_communication = models.DecimalField(
        verbose_name=_("score communication"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    score_shipping = models.DecimalField(
        verbose_name=_("score shipping"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    review_count = models.PositiveIntegerField(verbose_name=_("review count"), default=0)
    # Public products, kept by catalog services (catalog depends on shops, not the other way).
    product_count = models.PositiveIntegerField(verbose_name=_("product count"), default=0)
    # An operator's override of the commission for this shop; None: the category's, then the platform's.
    commission_rate = models.DecimalField(
        verbose_name=_("commission rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = ShopQuerySet.as_manager()

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "province"]),
            models.Index(
                fields=["review_requested_at"],
                condition=models.Q(review_requested_at__isnull=False),
                name="shop_review_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__isnull=True)
                | models.Q(commission_rate__gte=0, commission_rate__lt=1),
                name="shop_commission_rate_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED


class ShopMember(models.Model):
    """Who works for a shop: its owner, and staff (Taobao's 子账号) who accepted an invitation.

    A person works for one shop at a time. Removing a member or leaving deletes the row: the person is a
    plain user again (may open a shop, buy from this one and chat with it as a buyer). What each role may
    do is decided in the access_* functions (shops.access.role_allows)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="shop_membership"
    )
    role = models.CharField(verbose_name=_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop member")
        verbose_name_plural = _("shop members")
        ordering = ["shop_id", "id"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop}"


class StaffInvitation(models.Model):
    """An owner's invitation to work for the shop; nobody becomes staff without accepting one.

    `pending` until the invitee accepts or declines, the owner revokes it, or `expires_at` passes (an
    expired invitation may still read `pending` until something touches it: selectors check the date)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    # No index of its own: the index on (shop_id, status) leads with it.
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="staff_invitations", db_index=False
    )
    # No index of its own: the index on (user_id, status) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_invitations",
        db_index=False,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    answered_at = models.DateTimeField(verbose_name=_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status"], name="staff_invitation_user_status"),
            models.Index(fields=["shop", "status"], name="staff_invitation_shop_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "user"],
                condition=models.Q(status="pending"),
                name="staff_invitation_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.shop} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class ShopFollow(models.Model):
    # No index of its own: the index on (shop_id, user_id) leads with it.
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="follows", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="followed_shops"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shop follow")
        verbose_name_plural = _("shop follows")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="shop_follow_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.shop}"
