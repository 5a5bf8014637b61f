"""The shopfront's parts that other apps own (common.page_parts): the products (catalog), the scores (orders).

Parameters: shop, sort, category_id, page."""

from common.page_parts import PageParts

SHOPFRONT = PageParts("shopfront")
