from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product
from catalog.search import MAX_QUERY_LENGTH
from catalog.selectors import category_tree, product_list
from catalog.serializers import ProductListFilterSerializer
from common.api import CappedCountPaginator as Paginator

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
    """/search/?q=…: the same filters as GET /api/v1/products/. A filter that is not valid (a query over
    100 characters, a price that is not a number, negative, or a range upside down) is named on the page,
    and nothing is listed: silently dropping it would show everything as if it matched."""
    params = {k: v for k, v in request.GET.items() if v not in ("", None) and k != "page"}
    filters = ProductListFilterSerializer(data=params)
    problems: list[str] = []
    if filters.is_valid():
        data = filters.validated_data
        products = product_list(**data)
    else:
        problems = _filter_problems(params, filters.errors)
        data = {k: v for k, v in params.items() if k not in filters.errors and k != "in_stock"}
        data["in_stock"] = params.get("in_stock") in ("true", "1", "on")
        if "category" in data:
            data["category"] = int(data["category"]) if str(data["category"]).isdigit() else None
        products = Product.objects.none()
    page = Paginator(products, 20).get_page(request.GET.get("page"))
    category_id = data.get("category")
    category = Category.objects.filter(pk=category_id).first() if category_id and str(category_id).isdigit() else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/search.html",
        {
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
