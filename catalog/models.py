from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shops.models import Shop


class Category(models.Model):
    name = models.CharField(max_length=40)  # Simplified Chinese
    name_en = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    icon = models.CharField(max_length=8, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # Commission for sales in this category; None inherits from the parent, then the platform default.
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_rate__isnull=True) | Q(commission_rate__gte=0, commission_rate__lt=1),
                name="category_commission_rate_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class ProductQuerySet(models.QuerySet):
    def public(self):
        """Active products of approved shops (kept in `visible` by the catalog and shop services)."""
        return self.filter(visible=True)

    def for_seller(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(shop__members__user=user)


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("On sale")
        DELISTED = "delisted", _("Delisted")

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="products")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=10_000)  # plain text, rendered escaped
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    province = models.CharField(max_length=30, blank=True)
    city = models.CharField(max_length=30, blank=True)
    village = models.CharField(max_length=60, blank=True)
    class Moderation(models.TextChoices):
        """An operator's hold: a product delisted by the platform stays down until an operator approves."""

        NONE = "", _("None")
        DELISTED = "delisted", _("Delisted by the platform")
        REVIEW_REQUESTED = "review_requested", _("Review requested")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    moderation_reason = models.CharField(max_length=300, blank=True)
    moderation = models.CharField(max_length=20, choices=Moderation.choices, blank=True, default=Moderation.NONE)
    moderated_at = models.DateTimeField(null=True, blank=True)
    review_requested_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)  # the seller's note with the request
    # Denormalised for listing at scale; written only by catalog services.
    visible = models.BooleanField(default=False)  # active and the shop is approved
    price_min = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    sales_count = models.PositiveIntegerField(default=0)
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(default=0)
    # Segmented words and pinyin (jieba + pypinyin), indexed by a GIN index on PostgreSQL.
    search_document = models.TextField(blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["shop", "status"]),
            models.Index(fields=["-sales_count", "-id"], condition=Q(visible=True), name="product_pub_sales"),
            models.Index(fields=["price_min", "id"], condition=Q(visible=True), name="product_pub_price"),
            models.Index(fields=["-created_at", "-id"], condition=Q(visible=True), name="product_pub_created"),
            models.Index(fields=["-rating", "-id"], condition=Q(visible=True), name="product_pub_rating"),
            models.Index(fields=["category", "-sales_count"], condition=Q(visible=True), name="product_pub_cat"),
            models.Index(fields=["province", "-sales_count"], condition=Q(visible=True), name="product_pub_prov"),
            models.Index(fields=["shop", "-sales_count"], condition=Q(visible=True), name="product_pub_shop"),
            # The operators' review queue (admin filter "moderation").
            models.Index(fields=["review_requested_at"], condition=~Q(moderation=""), name="product_moderation_queue"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price_min__gte=0), name="product_price_min_non_negative"),
            # A product held by the platform is off sale, whatever the seller presses.
            models.CheckConstraint(condition=Q(moderation="") | Q(status="delisted"), name="product_held_is_delisted"),
        ]

    def __str__(self) -> str:
        return self.title


class Sku(models.Model):
    """One purchasable variant ("500 g 罐装"), with its own price and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    name = models.CharField(max_length=60)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)  # a removed SKU stays for the orders that name it
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "SKU"
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_non_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="sku_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.name}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(upload_to="products/thumbs/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["product", "position"])]

    def __str__(self) -> str:
        return self.image.name
