from django import template

from deals.selectors import deal_sku_choices

register = template.Library()


@register.simple_tag
def deal_skus(show) -> list:
    """The SKUs the seller's deal form offers: the show's shop's, on sale and in stock."""
    return deal_sku_choices(shop_id=show.shop_id)
