"""Signals the catalog app sends to higher apps (connected in their AppConfig.ready()).

product_moderated(product_id, shop_id, decision, reason) is sent inside the transaction of an
operator's decision on a listing: `decision` is "delisted" (taken down, held until an operator
approves), "approved" (the hold is lifted and the product is back on sale) or "rejected" (the
seller's review request was turned down; still held). `reason` is the operator's, shown to the
seller. Receivers that reach the outside world defer that with transaction.on_commit.
"""

from django.dispatch import Signal

product_moderated = Signal()
