"""Reviews of order lines, with photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from orders.models.orders import Order, OrderLine
from shops.models import Shop

REVIEW_MAX_TEXT = 1000
REVIEW_MAX_PHOTOS = 6


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def for_shop(self, shop):
        return self.filter(shop=shop)


def _stars(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"review_{name}_1_to_5")


class Review(models.Model):
    """A buyer's review of one order line: stars and text for the product, three scores for the shop.

    `counts_for_product` and `counts_for_shop` are kept by the reviews services (recomputable with
    `manage.py rebuild_ratings`): a hidden review or one on an order under ¥1 counts for nothing, and of
    one buyer's purchases of one product within 14 days only the first counts for the shop."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="reviews")
    line = models.ForeignKey(OrderLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="reviews")
    # No index of its own: the index on (buyer_id, product_id, purchased_at) leads with it.
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="reviews",
        db_index=False,
    )
    # No index of its own: the index on (shop_id, created_at) leads with it.
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="reviews", db_index=False
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="reviews")
    sku_name = models.CharField(verbose_name=_("sku name"), max_length=60)
    rating = models.PositiveSmallIntegerField(verbose_name=_("rating"))
    text = models.TextField(verbose_name=_("text"), max_length=REVIEW_MAX_TEXT, blank=True)
    as_described = models.PositiveSmallIntegerField(verbose_name=_("as described"))
    communication = models.PositiveSmallIntegerField(verbose_name=_("communication"))
    shipping = models.PositiveSmallIntegerField(verbose_name=_("shipping"))
    has_photos = models.BooleanField(verbose_name=_("has photos"), default=False)
    # When the order was placed: repeat purchases within 14 days count once for the shop.
    purchased_at = models.DateTimeField(verbose_name=_("purchased at"))
    counts_for_product = models.BooleanField(verbose_name=_("counts for product"), default=False)
    counts_for_shop = models.BooleanField(verbose_name=_("counts for shop"), default=False)
    is_hidden = models.BooleanField(verbose_name=_("is hidden"), default=False)
    hidden_reason = models.CharField(verbose_name=_("hidden reason"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(verbose_name=_("hidden at"), null=True, blank=True)
    reply_text = models.TextField(verbose_name=_("reply text"), max_length=REVIEW_MAX_TEXT, blank=True)
    replied_at = models.DateTimeField(verbose_name=_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The product page: visible reviews, photos first, newest first (optionally by stars).
            models.Index(
                fields=["product", "-has_photos", "-created_at"],
                condition=Q(is_hidden=False),
                name="review_product_public",
            ),
            models.Index(
                fields=["product", "rating", "-created_at"], condition=Q(is_hidden=False), name="review_product_stars"
            ),
            # The shop score: counted reviews of the last 180 days.
            models.Index(fields=["shop", "created_at"], condition=Q(counts_for_shop=True), name="review_shop_score"),
            models.Index(fields=["shop", "-created_at"]),
            # The 14-day repeat rule looks at one buyer's reviews of one product.
            models.Index(fields=["buyer", "product", "purchased_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["line"], name="review_once_per_line"),
            _stars("rating"),
            _stars("as_described"),
            _stars("communication"),
            _stars("shipping"),
            models.CheckConstraint(
                condition=Q(counts_for_shop=False) | Q(counts_for_product=True),
                name="review_counts_for_shop_implies_product",
            ),
            models.CheckConstraint(
                condition=Q(is_hidden=False) | Q(counts_for_product=False), name="review_hidden_counts_for_nothing"
            ),
        ]

    def __str__(self) -> str:
        return _("Review %(id)s (%(rating)s★)") % {"id": self.pk, "rating": self.rating}


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        verbose_name=_("image"), upload_to="reviews/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(verbose_name=_("thumbnail"), upload_to="reviews/thumbs/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(verbose_name=_("width"), default=0)
    height = models.PositiveIntegerField(verbose_name=_("height"), default=0)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["review_id", "position", "id"]

    def __str__(self) -> str:
        return _("Photo %(position)s of review %(review)s") % {"position": self.position, "review": self.review_id}
