"""The only ways to fetch catalogue objects a user may not be allowed to see."""

from __future__ import annotations

from catalog.models import Product, ProductImage, Sku
from common.errors import NotFound
from shops.access import STAFF, seller_objects_q


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


def access_seller_product(*, user, product_id, role: str = STAFF) -> Product:
    """A product of the shop the user works for; another seller's product is 404 (roles: shops.access)."""
    product = (
        Product.objects.select_related("shop", "category")
        .filter(seller_objects_q(user=user, role=role), pk=_int(product_id))
        .first()
    )
    if product is None:
        raise NotFound()
    return product


def access_seller_sku(*, user, sku_id, role: str = STAFF) -> Sku:
    sku = (
        Sku.objects.select_related("product")
        .filter(seller_objects_q(user=user, role=role, path="product__shop"), pk=_int(sku_id), is_active=True)
        .first()
    )
    if sku is None:
        raise NotFound()
    return sku


def access_seller_image(*, user, image_id, role: str = STAFF) -> ProductImage:
    image = ProductImage.objects.filter(
        seller_objects_q(user=user, role=role, path="product__shop"), pk=_int(image_id)
    ).first()
    if image is None:
        raise NotFound()
    return image
