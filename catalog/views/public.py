from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
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


def search(request):
    """/search/?q=…: the same filters as GET /api/v1/products/; bad filter values are dropped, not a 500."""
    params = {k: v for k, v in request.GET.items() if v not in ("", None)}
    filters = ProductListFilterSerializer(data=params)
    if not filters.is_valid():
        params = {k: v for k, v in params.items() if k not in filters.errors}
        filters = ProductListFilterSerializer(data=params)
        filters.is_valid()
    data = filters.validated_data
    page = Paginator(product_list(**data), 20).get_page(request.GET.get("page"))
    category = Category.objects.filter(pk=data.get("category")).first() if data.get("category") else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/search.html",
        {
            "page": page,
            "q": data.get("q", ""),
            "category": category,
            "categories": category_tree(),
            "sorts": SORTS,
            "ordering": data.get("ordering", ""),
            "filters": data,
            "querystring": query.urlencode(),
        },
    )
