"""Public pages that show several apps' data: home, shopfront, product page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from catalog.access import access_public_product
from catalog.models import Product, ProductImage
from catalog.selectors import (
    category_tree,
    product_images,
    product_list,
    product_skus_on_sale,
    provinces_with_products,
    shop_catalogue_version,
    shop_categories,
)
from chat.selectors import shop_reply_time
from common.errors import NotFound
from marketplace.fragments import fragment, product_reviews_version
from orders.selectors import product_review_summary, product_reviews, shop_score_comparison
from shops.access import access_public_shop
from shops.models import Shop
from shops.visits import shop_visit_record

SHOP_SORTS = {"-sales": _("Best selling"), "-created": _("Newest"), "price": _("Price ↑"), "-price": _("Price ↓")}


def home(request):
    context = {
        "categories": category_tree(),
        "popular": list(product_list(ordering="-sales")[:10]),
        "newest": list(product_list(ordering="-created")[:10]),
        "provinces": provinces_with_products(),
        "shops": list(Shop.objects.public().order_by("-product_count", "id")[:6]),
    }
    return render(request, "home.html", context)


def shopfront(request, slug):
    try:
        shop = access_public_shop(user=request.user, slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    if shop.is_public:
        shop_visit_record(shop_id=shop.pk, request=request)
    sort = request.GET.get("sort") if request.GET.get("sort") in SHOP_SORTS else "-sales"
    category = request.GET.get("category")
    category_id = int(category) if category and category.isdigit() and len(category) < 10 else None
    page_number = _page_number(request.GET.get("page"))

    def main_context() -> dict:
        if shop.is_public:
            products = product_list(shop=shop.slug, category=category_id, ordering=sort)
        else:  # the owner previews a shop that is not public yet
            products = (
                Product.objects.filter(shop=shop, status=Product.Status.ACTIVE)
                .select_related("shop")
                .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")))
            )
        return {
            "shop": shop,
            "page": Paginator(products, 20).get_page(page_number),
            "sort": sort,
            "sorts": SHOP_SORTS,
            "category_id": category_id,
            "categories": shop_categories(shop_id=shop.id),
            "score_comparison": shop_score_comparison(shop=shop),
        }

    if shop.is_public:
        # The shop's scores are written without touching updated_at: they are part of the version.
        version = (
            shop.pk,
            shop.updated_at,
            shop.rating,
            shop.review_count,
            shop.score_as_described,
            shop.score_communication,
            shop.score_shipping,
            shop_catalogue_version(shop_id=shop.pk),
            sort,
            category_id,
            page_number,
        )
        main = fragment(name="shop", version=version, template="shops/_shopfront_main.html", context=main_context)
    else:
        main = render_to_string("shops/_shopfront_main.html", main_context())
    context = {
        "shop": shop,
        "main": main,
        "reply_time": _reply_time(shop.id),
        "following": request.user.is_authenticated and shop.follows.filter(user=request.user).exists(),
    }
    return render(request, "shops/shopfront.html", context)


def product_page(request, product_id):
    try:
        product = access_public_product(product_id=product_id)
    except NotFound as exc:
        raise Http404 from exc
    shop = product.shop
    shop_visit_record(shop_id=shop.pk, request=request)  # one Redis PFADD: the seller center's visitors
    # Price and stock of every SKU are read on every request; so are the photos (one small query).
    skus = product_skus_on_sale(product_id=product.pk)
    with_photos = request.GET.get("reviews") == "photos"
    stars = request.GET.get("stars", "")
    stars = int(stars) if stars in {"1", "2", "3", "4", "5"} else None
    reviews_page = _page_number(request.GET.get("reviews_page"))

    reviews_version = product_reviews_version(product_id=product.pk)

    def main_context() -> dict:
        context = {
            "product": product,
            "review_with_photos": with_photos,
            "review_stars": stars,
            "more_from_shop": list(product_list(shop=shop.slug, ordering="-sales").exclude(pk=product.pk)[:6]),
        }
        if reviews_version[0]:  # most products have no review at all: "No reviews yet" needs no query
            reviews = product_reviews(product_id=product.pk, with_photos=with_photos, stars=stars)
            context["review_summary"] = product_review_summary(product=product)
            context["review_page"] = Paginator(reviews, 10).get_page(reviews_page)
        return context

    version = (
        product.pk,
        product.updated_at,
        product.rating,
        product.review_count,
        product.category.updated_at,
        shop.updated_at,
        reviews_version,
        with_photos,
        stars,
        reviews_page,
    )
    # After an error (not enough stock) the page comes back with the buyer's choice still made.
    chosen = request.GET.get("sku", "")
    chosen_sku = next((s for s in skus if str(s.pk) == chosen and s.stock > 0), None)
    if chosen_sku is None:
        chosen_sku = next((s for s in skus if s.stock > 0), None)
    quantity = request.GET.get("quantity", "")
    context = {
        "product": product,
        "shop": shop,
        "skus": skus,
        "chosen_sku": chosen_sku,
        "chosen_quantity": int(quantity) if quantity.isdigit() and 1 <= int(quantity) <= 999 else 1,
        "images": product_images(product_id=product.pk),
        "in_stock": any(s.stock > 0 for s in skus),
        "reply_time": _reply_time(shop.id),
        "main": fragment(name="product", version=version, template="catalog/_product_main.html", context=main_context),
    }
    return render(request, "catalog/product_detail.html", context)


def _page_number(value: str | None) -> int:
    """A page number from the query string: 1 unless it is a plausible number (bounded cache keys)."""
    return int(value) if value and value.isdigit() and len(value) <= 5 and int(value) > 0 else 1


def _reply_time(shop_id: int) -> float | None:
    """The seller's typical reply time (median over 30 days), in seconds; left out while the cache is down."""
    try:
        return shop_reply_time(shop_id=shop_id)
    except RedisError:
        return None
