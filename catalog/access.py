"""The only ways to fetch catalogue objects a user may not be allowed to see."""

from __future__ import annotations

from catalog.models import Product, ProductImage, Sku
from common.errors import NotFound


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc


def access_public_product(*, product_id) -> Product:
    product = Product.objects.public().select_related("shop", "category").filter(pk=_int(product_id)).first()
    if product is None:
        raise NotFound()
    return product


def access_seller_product(*, user, product_id) -> Product:
    """A product of the shop the user works for; another seller's product is 404."""
    product = Product.objects.for_seller(user).select_related("shop", "category").filter(pk=_int(product_id)).first()
    if product is None:
        raise NotFound()
    return product


def access_seller_sku(*, user, sku_id) -> Sku:
    sku = (
        Sku.objects.select_related("product")
        .filter(pk=_int(sku_id), is_active=True, product__shop__members__user=user)
        .first()
    )
    if sku is None:
        raise NotFound()
    return sku


def access_seller_image(*, user, image_id) -> ProductImage:
    image = ProductImage.objects.filter(pk=_int(image_id), product__shop__members__user=user).first()
    if image is None:
        raise NotFound()
    return image
