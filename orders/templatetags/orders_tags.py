from django import template
from django.utils.html import format_html

from common.money import money_html
from orders.attribution import ORDER_SOURCES

register = template.Library()

_STATUS_CLASS = {
    "pending_payment": "warn",
    "paid": "brand",
    "shipped": "brand",
    "completed": "ok",
    "cancelled": "",
    "refunded": "bad",
    "requested": "warn",
    "accepted": "brand",
    "escalated": "bad",
    "rejected": "",
}


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, "")


# A price on a page: the one formatter for that written form (common.money).
register.filter("yuan", money_html)


@register.simple_tag
def product_thumb(product, title: str = ""):
    """The product's first photo, or a tile with its first character."""
    images = getattr(product, "first_images", None) or []
    if images:
        image = images[0]
        url = (image.thumbnail or image.image).url
        return format_html('<img class="line-thumb" src="{}" alt="" loading="lazy">', url)
    return format_html('<span class="line-thumb placeholder" aria-hidden="true">{}</span>', (title or "?")[:1])


@register.filter
def open_refund_request(order):
    """The order's open refund request (requested, accepted or escalated), from the prefetched ones."""
    from orders.selectors.order_lists import order_open_refund_request

    return order_open_refund_request(order)


@register.simple_tag
def order_source(order) -> str:
    """ "From the live show X" (orders.attribution: the app that knows the source names it), or nothing."""
    if not order.source_kind:
        return ""
    label = ORDER_SOURCES.label(order)
    if label is None:
        return ""
    text, url = label
    return format_html('<a class="pill brand order-source" data-testid="order-source" href="{}">{}</a>', url, text)
