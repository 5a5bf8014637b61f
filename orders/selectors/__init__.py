"""Reads for orders, by subject: cart.py, order_lists.py, reviews.py, seller_center.py.

Other apps read these names from here (the package), this app from their modules.
"""

from orders.selectors.cart import cart_item_count  # noqa: F401 (marketplace's context processor)
from orders.selectors.reviews import (  # noqa: F401 (orders' parts of the product page and shopfront, seller center)
    product_review_summary,
    product_reviews,
    product_reviews_version,
    seller_unreplied_review_count,
    shop_score_comparison,
)
from orders.selectors.seller_center import (  # noqa: F401 (marketplace's seller center and money pages)
    SalesDay,
    order_earning,
    seller_daily_sales,
    seller_order_earnings,
    seller_order_todo,
)
