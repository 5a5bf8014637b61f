"""The product page's parts that other apps own (common.page_parts), and catalog's part of the shopfront."""

from django.core.paginator import Paginator
from django.db.models import Prefetch

from catalog.models import Product, ProductImage
from catalog.selectors import product_list, shop_catalogue_version, shop_categories
from common.page_parts import PageParts
from shops.page_parts import SHOPFRONT

# Registered by orders (the reviews). Parameters: product, with_photos, stars, reviews_page.
PRODUCT_PAGE = PageParts("product")


def _shopfront_version(*, shop, **_params):
    return shop_catalogue_version(shop_id=shop.pk)


def _shopfront_context(*, shop, sort, category_id, page, **_params) -> dict:
    if shop.is_public:
        products = product_list(shop=shop.slug, category=category_id, ordering=sort)
    else:  # the owner previews a shop that is not public yet
        products = (
            Product.objects.filter(shop=shop, status=Product.Status.ACTIVE)
            .select_related("shop")
            .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")))
        )
    return {"page": Paginator(products, 20).get_page(page), "categories": shop_categories(shop_id=shop.id)}


def connect() -> None:
    SHOPFRONT.register(name="products", version=_shopfront_version, context=_shopfront_context)
