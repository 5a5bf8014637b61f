"""Input validation and answer shapes for the catalogue API."""

from django.utils.translation import gettext
from rest_framework import serializers

from catalog.models import Product
from common.money import CURRENCY
from common.serializers import absolute_url, decimal_number, money_str
from shops.serializers import ShopRefOut


class ProductListFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    category = serializers.IntegerField(required=False, min_value=1)
    shop = serializers.CharField(required=False, max_length=80)
    province = serializers.CharField(required=False, max_length=30)
    min_price = serializers.DecimalField(required=False, max_digits=10, decimal_places=2, min_value=0)
    max_price = serializers.DecimalField(required=False, max_digits=10, decimal_places=2, min_value=0)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    ordering = serializers.ChoiceField(required=False, choices=["price", "-price", "-sales", "-rating", "-created"])

    def validate(self, attrs):
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            # An inverted range would silently match nothing: say so.
            raise serializers.ValidationError(
                {"max_price": [gettext("The highest price is below the lowest price.")]}, code="invalid"
            )
        return attrs


class SkuInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    price = serializers.CharField(max_length=20, help_text='a decimal string, e.g. "28.00"')
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000)


class SkuUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    price = serializers.CharField(max_length=20, required=False)
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class ProductCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    category = serializers.IntegerField(min_value=1)
    province = serializers.CharField(max_length=30, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)
    village = serializers.CharField(max_length=60, required=False, allow_blank=True)
    skus = SkuInputSerializer(many=True, allow_empty=False, max_length=50)
    status = serializers.ChoiceField(choices=["draft", "active"], default="draft")


class ProductUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    category = serializers.IntegerField(min_value=1, required=False)
    province = serializers.CharField(max_length=30, required=False, allow_blank=True)
    city = serializers.CharField(max_length=30, required=False, allow_blank=True)
    village = serializers.CharField(max_length=60, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Product.Status.values, required=False)


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField()


class ImageOrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=50)


def image_out(image, *, request) -> dict:
    return {
        "id": image.id,
        "url": absolute_url(request, image.image),
        "thumbnail_url": absolute_url(request, image.thumbnail or image.image),
        "position": image.position,
    }


def sku_out(sku) -> dict:
    return {"id": sku.id, "name": sku.name, "price": money_str(sku.price), "currency": CURRENCY, "stock": sku.stock}


def product_list_item(product, *, request) -> dict:
    images = list(product.images.all())
    return {
        "id": product.id,
        "title": product.title,
        "price_min": money_str(product.price_min),
        "currency": CURRENCY,
        "thumbnail_url": absolute_url(request, images[0].thumbnail or images[0].image) if images else None,
        "shop": {"slug": product.shop.slug, "name": product.shop.name},
        "province": product.province,
        "rating": decimal_number(product.rating),
        "sales": product.sales_count,
    }


def product_detail(product, *, request) -> dict:
    category = product.category
    return {
        "id": product.id,
        "title": product.title,
        "description": product.description,
        "category": {"id": category.id, "name": category.name, "slug": category.slug},
        "province": product.province,
        "city": product.city,
        "village": product.village,
        "price_min": money_str(product.price_min),
        "currency": CURRENCY,
        "images": [image_out(image, request=request) for image in product.images.all()],
        "skus": [sku_out(sku) for sku in product.skus.all()],
        "shop": {
            "slug": product.shop.slug,
            "name": product.shop.name,
            "province": product.shop.province,
            "rating": decimal_number(product.shop.rating),
        },
        "rating": decimal_number(product.rating),
        "review_count": product.review_count,
        "sales": product.sales_count,
    }


def seller_product(product, *, request) -> dict:
    return {
        **product_detail(product, request=request),
        "status": product.status,
        "moderation_reason": product.moderation_reason,
        # "" (none), "delisted" (by the platform: publishing is refused until an operator approves a
        # review request) or "review_requested" (waiting for an operator).
        "moderation": product.moderation,
        "review_requested_at": product.review_requested_at.isoformat() if product.review_requested_at else None,
        "visible": product.visible,
        "created_at": product.created_at.isoformat(),
        "updated_at": product.updated_at.isoformat(),
    }


# --- answer shapes, for the OpenAPI schema (the dicts above are what is sent) ---------------------


class ImageOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    thumbnail_url = serializers.URLField()
    position = serializers.IntegerField()


class SkuOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.CharField()
    currency = serializers.CharField()
    stock = serializers.IntegerField()


class ProductListItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    price_min = serializers.CharField()
    currency = serializers.CharField()
    thumbnail_url = serializers.URLField(allow_null=True)
    shop = ShopRefOut()
    province = serializers.CharField()
    rating = serializers.FloatField(allow_null=True)
    sales = serializers.IntegerField()


class CategoryRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class ProductDetailOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = CategoryRefOut()
    province = serializers.CharField()
    city = serializers.CharField()
    village = serializers.CharField()
    price_min = serializers.CharField()
    currency = serializers.CharField()
    images = ImageOut(many=True)
    skus = SkuOut(many=True)
    shop = ShopRefOut()
    rating = serializers.FloatField(allow_null=True)
    review_count = serializers.IntegerField()
    sales = serializers.IntegerField()


class SellerProductOut(ProductDetailOut):
    status = serializers.CharField()
    moderation_reason = serializers.CharField()
    moderation = serializers.ChoiceField(choices=["", "delisted", "review_requested"])
    review_requested_at = serializers.DateTimeField(allow_null=True)
    visible = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CategoryNodeOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    slug = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())


class ReviewRequestSerializer(serializers.Serializer):
    """A seller's request that an operator look again at what the platform took down."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
