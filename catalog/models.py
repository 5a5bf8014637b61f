from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shops.models import Shop


class Category(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=40)  # Simplified Chinese
    name_en = models.CharField(verbose_name=_("name (English)"), max_length=60, blank=True)
    slug = models.SlugField(verbose_name=_("slug"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    icon = models.CharField(verbose_name=_("icon"), max_length=8, blank=True)
    sort_order = models.PositiveSmallIntegerField(verbose_name=_("sort order"), default=0)
    # Commission for sales in this category; None inherits from the parent, then the platform default.
    commission_rate = models.DecimalField(
        verbose_name=_("commission rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("category")
        ordering = ["sort_order", "id"]
        verbose_name_plural = _("categories")
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

    def capped_count(self, *, cap: int) -> int:
        """The paginator's count (common.api.CappedCountPaginator), cached by catalog.search_counts."""
        from catalog.search_counts import capped_count

        return capped_count(self, cap=cap)


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("On sale")
        DELISTED = "delisted", _("Delisted")

    # No index of its own: the index on (shop_id, status) leads with it.
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="products", db_index=False
    )
    title = models.CharField(verbose_name=_("title"), max_length=120)
    # plain text, rendered escaped
    description = models.TextField(verbose_name=_("description"), blank=True, max_length=10_000)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    province = models.CharField(verbose_name=_("province"), max_length=30, blank=True)
    city = models.CharField(verbose_name=_("city"), max_length=30, blank=True)
    village = models.CharField(verbose_name=_("village"), max_length=60, blank=True)

    class Moderation(models.TextChoices):
        """An operator's hold: a product delisted by the platform stays down until an operator approves."""

        NONE = "", _("None")
        DELISTED = "delisted", _("Delisted by the platform")
        REVIEW_REQUESTED = "review_requested", _("Review requested")

    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    moderation_reason = models.CharField(verbose_name=_("moderation reason"), max_length=300, blank=True)
    moderation = models.CharField(
        verbose_name=_("moderation"), max_length=20, choices=Moderation.choices, blank=True, default=Moderation.NONE
    )
    moderated_at = models.DateTimeField(verbose_name=_("moderated at"), null=True, blank=True)
    review_requested_at = models.DateTimeField(verbose_name=_("review requested at"), null=True, blank=True)
    # the seller's note with the request
    review_note = models.CharField(verbose_name=_("review note"), max_length=500, blank=True)
    # Denormalised for listing at scale; written only by catalog services.
    visible = models.BooleanField(verbose_name=_("visible"), default=False)  # active and the shop is approved
    # Some SKU on sale has stock: the facets' and the in-stock filter's column (no per-match probe of the SKUs).
    # Written only by catalog services (catalog/services/stock.py, _refresh_derived), under the product's row lock.
    in_stock = models.BooleanField(verbose_name=_("in stock"), default=False)
    price_min = models.DecimalField(
        verbose_name=_("lowest price"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    sales_count = models.PositiveIntegerField(verbose_name=_("sales count"), default=0)
    rating = models.DecimalField(verbose_name=_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(verbose_name=_("review count"), default=0)
    # Segmented words and pinyin (jieba + pypinyin), indexed by a GIN index on PostgreSQL.
    search_document = models.TextField(verbose_name=_("search document"), blank=True, default="")
    # setweight(title, A) || (category, SKU names, B) || (shop, origin, C) || (description, translations, D),
    # written with the document by catalog.search.listing_search_fields (PostgreSQL; NULL on SQLite). Its GIN
    # index (partial, visible listings) is created by migration 0008 on PostgreSQL only.
    search_vector = SearchVectorField(verbose_name=_("search vector"), null=True, editable=False)
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
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

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="skus")
    name = models.CharField(verbose_name=_("name"), max_length=60)
    price = models.DecimalField(verbose_name=_("price"), max_digits=10, decimal_places=2)
    stock = models.IntegerField(verbose_name=_("stock"), default=0)
    # a removed SKU stays for the orders that name it
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)
    sort_order = models.PositiveSmallIntegerField(verbose_name=_("sort order"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name_plural = _("SKUs")
        ordering = ["sort_order", "id"]
        verbose_name = _("SKU")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_non_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="sku_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.name}"


class ProductImage(models.Model):
    # No index of its own: the index on (product_id, position) leads with it.
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images", db_index=False
    )
    image = models.ImageField(verbose_name=_("image"), upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(verbose_name=_("thumbnail"), upload_to="products/thumbs/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(verbose_name=_("width"), default=0)
    height = models.PositiveIntegerField(verbose_name=_("height"), default=0)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["product", "position"])]

    def __str__(self) -> str:
        return self.image.name


class SearchTerm(models.Model):
    """A completion for the search box (catalog/suggest.py): a word or phrase of the catalogue's titles, a
    category name, or a query buyers often search, with its pinyin and initials for prefix look-ups."""

    class Source(models.TextChoices):
        TITLE = "title", _("Titles")
        CATEGORY = "category", _("Category")
        QUERY = "query", _("Popular query")

    term = models.CharField(verbose_name=_("term"), max_length=60)
    # Lower-case ASCII: "luobo" and "lb" for 萝卜; the term itself for English words.
    pinyin = models.CharField(verbose_name=_("pinyin"), max_length=120, blank=True, default="")
    initials = models.CharField(verbose_name=_("initials"), max_length=60, blank=True, default="")
    language = models.CharField(verbose_name=_("language"), max_length=8)  # "zh" or "en"
    source = models.CharField(verbose_name=_("source"), max_length=10, choices=Source.choices)
    # How many listings have it (titles, categories) or how often it was searched (queries).
    weight = models.PositiveIntegerField(verbose_name=_("weight"), default=0)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.UniqueConstraint(fields=["source", "term"], name="search_term_unique")]
        indexes = [
            # LIKE 'prefix%' through a btree whatever the database's collation.
            models.Index(fields=["term"], name="search_term_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["pinyin"], name="search_term_pinyin", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["initials"], name="search_term_initials", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.term
