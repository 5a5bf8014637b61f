"""Public pages that show several apps' data: home, shopfront, product page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from catalog.access import access_public_product
from catalog.models import Product, ProductImage
from catalog.selectors import (
    category_tree,
    product_detail,
    product_list,
    provinces_with_products,
    shop_categories,
)
from chat.selectors import shop_reply_time
from common.errors import NotFound
from orders.selectors import product_review_summary, product_reviews, shop_score_comparison
from shops.access import access_public_shop
from shops.models import Shop

SHOP_SORTS = {"-sales": "Best selling", "-created": "Newest", "price": "Price ↑", "-price": "Price ↓"}


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
    sort = request.GET.get("sort") if request.GET.get("sort") in SHOP_SORTS else "-sales"
    category = request.GET.get("category")
    category_id = int(category) if category and category.isdigit() else None
    if shop.is_public:
        products = product_list(shop=shop.slug, category=category_id, ordering=sort)
    else:  # the owner previews a shop that is not public yet
        products = (Product.objects.filter(shop=shop, status=Product.Status.ACTIVE).select_related("shop")
                    .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))))
    page = Paginator(products, 20).get_page(request.GET.get("page"))
    context = {
        "shop": shop,
        "page": page,
        "sort": sort,
        "sorts": SHOP_SORTS,
        "category_id": category_id,
        "categories": shop_categories(shop_id=shop.id),
        "reply_time": _reply_time(shop.id),
        "following": request.user.is_authenticated and shop.follows.filter(user=request.user).exists(),
        "score_comparison": shop_score_comparison(shop=shop),
    }
    return render(request, "shops/shopfront.html", context)


def product_page(request, product_id):
    try:
        product = product_detail(product=access_public_product(product_id=product_id))
    except NotFound as exc:
        raise Http404 from exc
    skus = list(product.skus.all())
    context = {
        "product": product,
        "shop": product.shop,
        "skus": skus,
        "images": list(product.images.all()),
        "in_stock": any(s.stock > 0 for s in skus),
        "reply_time": _reply_time(product.shop_id),
        "more_from_shop": list(product_list(shop=product.shop.slug, ordering="-sales").exclude(pk=product.pk)[:6]),
        **_reviews_context(request, product),
    }
    return render(request, "catalog/product_detail.html", context)


def _reviews_context(request, product) -> dict:
    """The reviews section: summary and histogram, photos first, filters ?reviews=photos and ?stars=N."""
    with_photos = request.GET.get("reviews") == "photos"
    stars = request.GET.get("stars", "")
    stars = int(stars) if stars in {"1", "2", "3", "4", "5"} else None
    reviews = product_reviews(product_id=product.pk, with_photos=with_photos, stars=stars)
    return {"review_summary": product_review_summary(product=product), "review_with_photos": with_photos,
            "review_stars": stars, "review_page": Paginator(reviews, 10).get_page(request.GET.get("reviews_page"))}


def _reply_time(shop_id: int) -> float | None:
    """The seller's typical reply time (median over 30 days), in seconds."""
    return shop_reply_time(shop_id=shop_id)
