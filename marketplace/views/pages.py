"""The home page: it shows several apps' data (categories, products, provinces, shops)."""

from __future__ import annotations

from django.shortcuts import render

from catalog.selectors import category_tree, product_list, provinces_with_products
from shops.models import Shop


def home(request):
    context = {
        "categories": category_tree(),
        "popular": list(product_list(ordering="-sales")[:10]),
        "newest": list(product_list(ordering="-created")[:10]),
        "provinces": provinces_with_products(),
        "shops": list(Shop.objects.public().order_by("-product_count", "id")[:6]),
    }
    return render(request, "home.html", context)
