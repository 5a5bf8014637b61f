"""Public catalogue pages: search and the product page."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.access import access_public_product
from catalog.facets import search_results
from catalog.models import Category, Product
from catalog.page_parts import PRODUCT_PAGE
from catalog.search import MAX_QUERY_LENGTH
from catalog.search_page import search_page_context
from catalog.selectors import category_tree, product_images, product_list, product_skus_on_sale
from catalog.serializers import ProductSearchFilterSerializer
from catalog.suggest import language_of, query_record
from common.api import CappedCountPaginator
from common.errors import NotFound
from common.fragments import fragment
from common.http import page_number
from shops.visits import shop_visit_record

SORTS = [
    ("", _("Best match")),
    ("-sales", _("Best selling")),
    ("price", _("Price ↑")),
    ("-price", _("Price ↓")),
    ("-rating", _("Top rated")),
    ("-created", _("Newest")),
]


def _filter_problems(params: dict, errors: dict) -> list[str]:
    """What is wrong with the filters, in the buyer's words."""
    price_help = gettext("Prices are amounts in yuan from 0, such as 28 or 9.90.")
    problems = []
    for field in errors:
        if field == "q":
            message = gettext("Search for at most %(max)d characters: you typed %(n)d.") % {
                "max": MAX_QUERY_LENGTH,
                "n": len(params.get("q", "")),
            }
        elif field in ("min_price", "max_price"):
            both_prices = _is_price(params.get("min_price")) and _is_price(params.get("max_price"))
            inverted = field == "max_price" and both_prices
            message = gettext("The highest price is below the lowest price.") if inverted else price_help
        elif field == "ordering":
            message = gettext("Unknown sort order.")
        elif field == "category":
            message = gettext("Unknown category.")
        elif field == "min_rating":
            message = gettext("Shop ratings to filter by are 4.5, 4, 3.5 or 3.")
        else:
            message = gettext("One of the filters is not valid.")
        if message not in problems:
            problems.append(message)
    return problems


def _is_price(value) -> bool:
    try:
        return float(value) >= 0
    except (TypeError, ValueError):
        return False


def search(request):
    """/search/?q=…: the same filters as GET /api/v1/products/, with facets (catalog/facets.py), chips for the
    filters on, and, when nothing is found, "did you mean" and related categories. A filter that is not valid
    (a query over 100 characters, a price that is not a number, negative, or a range upside down, an unknown
    sort or rating) is named on the page, and nothing is listed: silently dropping it would show everything
    as if it matched."""
    params = {k: v for k, v in request.GET.items() if v not in ("", None) and k not in ("page", "facets")}
    filters = ProductSearchFilterSerializer(data=params)
    problems: list[str] = []
    facet_data = None
    if filters.is_valid():
        data = dict(filters.validated_data)
        data.pop("facets", None)
        products = search_results(data)
    else:
        problems = _filter_problems(params, filters.errors)
        data = {k: v for k, v in params.items() if k not in filters.errors and k != "in_stock"}
        data["in_stock"] = params.get("in_stock") in ("true", "1", "on")
        if "category" in data:
            data["category"] = int(data["category"]) if str(data["category"]).isdigit() else None
        products = Product.objects.none()
    page = CappedCountPaginator(products, 20).get_page(request.GET.get("page"))
    language = language_of(getattr(request, "LANGUAGE_CODE", None))
    context = search_page_context(params=params, data=data, valid=not problems, page=page, language=language)
    if not problems:
        facet_data = context["facets"]
        if data.get("q") and page.object_list and page.number == 1:
            query_record(data["q"], language=language)
    category_id = data.get("category")
    category = Category.objects.filter(pk=category_id).first() if category_id and str(category_id).isdigit() else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/search.html",
        {
            **context,
            "facets": facet_data,
            "page": page,
            "q": data.get("q", "") if not problems else params.get("q", ""),
            "category": category,
            "categories": category_tree(),
            "sorts": SORTS,
            "ordering": data.get("ordering", ""),
            "filters": {**data, **{k: params[k] for k in ("min_price", "max_price") if k in params}},
            "problems": problems,
            "problem_fields": list(filters.errors) if problems else [],
            "province": data.get("province") or "",
            "querystring": query.urlencode(),
        },
    )


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
    reviews_page = page_number(request.GET.get("reviews_page"))

    params = {"product": product, "with_photos": with_photos, "stars": stars, "reviews_page": reviews_page}
    part_versions = PRODUCT_PAGE.versions(**params)  # the reviews (orders)

    def main_context() -> dict:
        return {
            "product": product,
            "review_with_photos": with_photos,
            "review_stars": stars,
            "more_from_shop": list(product_list(shop=shop.slug, ordering="-sales").exclude(pk=product.pk)[:6]),
            **PRODUCT_PAGE.context(versions=part_versions, **params),
        }

    version = (
        product.pk,
        product.updated_at,
        product.rating,
        product.review_count,
        product.category.updated_at,
        shop.updated_at,
        tuple(part_versions.items()),
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
        "main": fragment(name="product", version=version, template="catalog/_product_main.html", context=main_context),
    }
    return render(request, "catalog/product_detail.html", context)
