"""Input validation and answer shapes for the catalogue API."""

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Product, Sku
from catalog.search import MAX_QUERY_LENGTH
from catalog.services import MAX_IMAGES, MAX_SKUS, MAX_STOCK
from catalog.services.products import PRICE_PATTERN
from common.money import CURRENCY
from common.serializers import IsoDateTimeField, absolute_url, model_text_field
from shops.models import Shop
from shops.serializers import ShopRefOut


class ProductListFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_QUERY_LENGTH)
    category = serializers.IntegerField(required=False, min_value=1)
    # An empty parameter is the same as none (a search form sends them all).
    shop = serializers.CharField(required=False, allow_blank=True, max_length=Shop._meta.get_field("slug").max_length)
    province = serializers.CharField(
        required=False, allow_blank=True, max_length=Product._meta.get_field("province").max_length
    )
    min_price = serializers.DecimalField(required=False, max_digits=10, decimal_places=2, min_value=0)
    max_price = serializers.DecimalField(required=False, max_digits=10, decimal_places=2, min_value=0)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    ordering = serializers.ChoiceField(
        required=False, allow_blank=True, choices=["price", "-price", "-sales", "-rating", "-created"]
    )

    def validate(self, attrs):
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            # An inverted range would silently match nothing: say so.
            raise serializers.ValidationError(
                {"max_price": [gettext("The highest price is below the lowest price.")]}, code="invalid"
            )
        return attrs


class SellerProductListQuerySerializer(serializers.Serializer):
    """GET /api/v1/seller/products/?status=&q=: one status, or all; words in the title."""

    status = serializers.ChoiceField(required=False, allow_blank=True, choices=Product.Status.choices)
    q = serializers.CharField(required=False, allow_blank=True, max_length=MAX_QUERY_LENGTH)


@extend_schema_field({"type": "string", "pattern": PRICE_PATTERN, "example": "28.00"})
class PriceField(serializers.Field):
    """A SKU's price as a decimal string: what PRICE_PATTERN allows (0.01 … 1000000, two decimals at most).
    Handed to the service as sent: parse_price checks it, with the seller's words for each mistake."""

    def to_internal_value(self, data):
        return data


class SkuInputSerializer(serializers.Serializer):
    name = model_text_field(Sku, "name")
    price = PriceField()
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK)


class SkuUpdateSerializer(serializers.Serializer):
    name = model_text_field(Sku, "name", partial=True)
    price = PriceField(required=False)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)


class ProductCreateSerializer(serializers.Serializer):
    title = model_text_field(Product, "title")
    description = model_text_field(Product, "description")
    category = serializers.IntegerField(min_value=1)
    # Without them the product's origin is the shop's.
    province = model_text_field(Product, "province", partial=True)
    city = model_text_field(Product, "city", partial=True)
    village = model_text_field(Product, "village", partial=True)
    skus = serializers.ListField(child=SkuInputSerializer(), min_length=1, max_length=MAX_SKUS)
    status = serializers.ChoiceField(choices=[Product.Status.DRAFT, Product.Status.ACTIVE], default="draft")


class ProductUpdateSerializer(serializers.Serializer):
    title = model_text_field(Product, "title", partial=True)
    description = model_text_field(Product, "description", partial=True)
    category = serializers.IntegerField(min_value=1, required=False)
    province = model_text_field(Product, "province", partial=True)
    city = model_text_field(Product, "city", partial=True)
    village = model_text_field(Product, "village", partial=True)
    status = serializers.ChoiceField(choices=Product.Status.choices, required=False)


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField()


class ImageOrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=MAX_IMAGES)


# --- answer shapes: what the API answers with and what the OpenAPI schema says (one source) ------------


class MoneyField(serializers.DecimalField):
    """An amount in yuan as the API writes it: a string with two decimals ("28.00")."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=10, decimal_places=2, coerce_to_string=True, **kwargs)


class CurrencyField(serializers.Field):
    """The currency beside an amount (API.md: a decimal string plus "currency": "CNY")."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value) -> str:
        return CURRENCY


extend_schema_field({"type": "string", "enum": [CURRENCY]})(CurrencyField)


class ImageOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    position = serializers.IntegerField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image) -> str:
        return absolute_url(self.context.get("request"), image.image)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, image) -> str:
        """The thumbnail, or the photo itself until its thumbnail is made."""
        return absolute_url(self.context.get("request"), image.thumbnail or image.image)


class SkuOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = MoneyField()
    currency = CurrencyField()
    stock = serializers.IntegerField(min_value=0)


class ProductListItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    price_min = MoneyField()
    currency = CurrencyField()
    thumbnail_url = serializers.SerializerMethodField()
    shop = ShopRefOut()
    province = serializers.CharField()
    rating = serializers.FloatField(allow_null=True, help_text="null before the first review")
    sales = serializers.IntegerField(source="sales_count")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_thumbnail_url(self, product) -> str | None:
        """The first photo's thumbnail (the images are prefetched in their order): null without a photo."""
        images = list(product.images.all())
        if not images:
            return None
        return absolute_url(self.context.get("request"), images[0].thumbnail or images[0].image)


class CategoryRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class ProductShopOut(ShopRefOut):
    province = serializers.CharField()
    rating = serializers.FloatField(allow_null=True, help_text="null before the first review")


class ProductDetailOut(serializers.Serializer):
    """A product as `catalog.selectors.product_detail` loads it (shop, category, photos, SKUs on sale)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = CategoryRefOut()
    province = serializers.CharField()
    city = serializers.CharField()
    village = serializers.CharField()
    price_min = MoneyField()
    currency = CurrencyField()
    images = ImageOut(many=True)
    skus = SkuOut(many=True)
    shop = ProductShopOut()
    rating = serializers.FloatField(allow_null=True, help_text="null before the first review")
    review_count = serializers.IntegerField()
    sales = serializers.IntegerField(source="sales_count")


class SellerProductOut(ProductDetailOut):
    status = serializers.ChoiceField(choices=Product.Status.choices)
    moderation_reason = serializers.CharField()
    moderation = serializers.ChoiceField(
        choices=Product.Moderation.values,
        help_text='"" (none), "delisted" (by the platform: publishing is refused until an operator approves a '
        'review request) or "review_requested" (waiting for an operator)',
    )
    review_requested_at = IsoDateTimeField(allow_null=True)
    visible = serializers.BooleanField()
    created_at = IsoDateTimeField()
    updated_at = IsoDateTimeField()


class CategoryNodeOut(serializers.Serializer):
    """A node of `catalog.selectors.category_tree()`, with its children (the same shape, recursively)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    slug = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = CategoryNodeOut(many=True)
        return fields


class ReviewRequestSerializer(serializers.Serializer):
    """A seller's request that an operator look again at what the platform took down."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


# --- search: the rating filter, facets and suggestions (catalog/facets.py, catalog/suggest.py) ---------


class ProductSearchFilterSerializer(ProductListFilterSerializer):
    """GET /api/v1/products/ and /search/: the list's filters plus the shop rating ("4.5 and up")."""

    min_rating = serializers.ChoiceField(required=False, allow_blank=True, choices=["4.5", "4", "3.5", "3"])
    facets = serializers.BooleanField(
        required=False, default=True, help_text="false leaves `facets` out of the answer (null)."
    )


class FacetCategoryOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField(required=False)


class FacetProvinceOut(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetPriceOut(serializers.Serializer):
    min_price = serializers.CharField(allow_null=True, help_text="yuan, or null for no lower bound")
    max_price = serializers.CharField(allow_null=True, help_text="yuan, or null for no upper bound")
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetRatingOut(serializers.Serializer):
    min_rating = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetInStockOut(serializers.Serializer):
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetsOut(serializers.Serializer):
    """Counts for the query and every filter but the facet's own (choosing a province still counts the
    others); `total` is with every filter."""

    total = serializers.IntegerField()
    category = FacetCategoryOut(many=True)
    category_parent = FacetCategoryOut(allow_null=True)
    province = FacetProvinceOut(many=True)
    price = FacetPriceOut(many=True)
    rating = FacetRatingOut(many=True)
    in_stock = FacetInStockOut()


class SuggestQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, allow_blank=True, trim_whitespace=True)


class SuggestionOut(serializers.Serializer):
    text = serializers.CharField()
    source = serializers.ChoiceField(choices=["title", "category", "query"])


class SuggestionsOut(serializers.Serializer):
    q = serializers.CharField()
    suggestions = SuggestionOut(many=True)
