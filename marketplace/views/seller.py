"""The seller center's dashboard: figures from several apps, composed here at the top."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.selectors import products_for_seller
from chat.selectors import chat_unread_totals
from shops.decorators import seller_required


@seller_required
def dashboard(request):
    shop = request.shop
    products = Product.objects.filter(shop=shop)
    context = {
        "seller_section": "dashboard",
        "stats": {
            "on_sale": products.filter(status=Product.Status.ACTIVE).count(),
            "drafts": products.filter(status=Product.Status.DRAFT).count(),
            "low_stock": products.filter(status=Product.Status.ACTIVE, skus__is_active=True, skus__stock__lt=5)
            .distinct()
            .count(),
            "sales": sum(products.values_list("sales_count", flat=True)),
        },
        "recent_products": list(products_for_seller(shop_id=shop.id)[:5]),
    }
    context.update(_other_apps_figures(request))
    return render(request, "seller/dashboard.html", context)


def _other_apps_figures(request) -> dict:
    """Unread chats (and, from the orders and payments apps, orders to ship and money)."""
    figures = [
        {
            "label": _("Unread chats"),
            "value": chat_unread_totals(user=request.user).seller,
            "url": reverse("seller:inbox"),
        }
    ]
    return {"figures": figures}
