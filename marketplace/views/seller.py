"""The seller center's dashboard (Qianniu's home): what needs doing first, then how the shop is doing.

Figures from several apps, composed here at the top through their selectors: the to-do counters (orders
to ship, refund requests waiting with the nearest deadline, unread chats, SKUs low on stock, reviews to
answer), today's and this week's paid orders, sales and visitors with a seven-day chart, and the recently
changed products; for the owner, the money in escrow and available. Every figure is a bounded query
(counts and sums in SQL), whatever the shop's size.
"""

from django.shortcuts import render

from catalog.models import Product
from catalog.selectors import products_for_seller, seller_product_counts
from marketplace.seller_center import seller_figures
from payments.selectors import shop_balances
from shops.access import OWNER
from shops.decorators import seller_required


@seller_required
def dashboard(request):
    shop = request.shop
    products = seller_product_counts(shop_id=shop.id)
    context = {
        "seller_section": "dashboard",
        "figures": seller_figures(shop_id=shop.id),
        "on_sale": products.get(Product.Status.ACTIVE, 0),
        "drafts": products.get(Product.Status.DRAFT, 0),
        "recent_products": list(products_for_seller(shop_id=shop.id)[:5]),
        # money is the owner's (shops.access): staff see the shop's work, not its balances
        "balances": shop_balances(shop_id=shop.id) if request.shop_role == OWNER else None,
    }
    # The to-do counters come from the menu's {% seller_todo %}: computed once for the badges and the page.
    return render(request, "seller/dashboard.html", context)
