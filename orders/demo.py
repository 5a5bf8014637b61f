"""Demo orders for the demo buyer, in several states, made through the real services. Idempotent:
nothing happens if the buyer already has orders, or if there are no demo products yet."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Sku
from orders.models import Order
from orders.services.checkout import checkout_place
from orders.services.lifecycle import order_confirm_receipt, order_ship
from payments.models import Payment
from payments.services import payment_sandbox_approve
from shops.models import Shop

ADDRESS = {"name": "王小明", "phone": "138 0000 0000", "province": "湖北", "city": "武汉",
           "line": "洪山区珞喻路 100 号 3 栋 502"}


def _sku_of(owner: str) -> Sku | None:
    return (Sku.objects.filter(product__shop__owner__username=owner, product__shop__status=Shop.Status.APPROVED,
                               product__visible=True, is_active=True, stock__gte=3)
            .select_related("product__shop").order_by("product_id", "id").first())


def _place(buyer, sku: Sku, quantity: int) -> Order:
    outcome = checkout_place(buyer=buyer, address=ADDRESS, items=[{"sku": sku.pk, "quantity": quantity}])
    return outcome.result.orders[0]


def demo_orders_ensure() -> None:
    buyer = get_user_model().objects.filter(username="buyer").first()
    if buyer is None or Order.objects.filter(buyer=buyer).exists():
        return
    farm, workshop = _sku_of("farmer"), _sku_of("carpenter")
    if farm is None or workshop is None:
        return
    farm_owner, workshop_owner = farm.product.shop.owner, workshop.product.shop.owner
    # Completed a week ago: paid, shipped, received.
    earlier = timezone.now() - timedelta(days=7)
    done = _place(buyer, farm, 2)
    payment_sandbox_approve(payment=Payment.objects.get(pk=done.payment_id))
    order_ship(order_id=done.pk, actor=farm_owner, carrier="顺丰速运 SF Express", tracking_number="SF1400023567",
               now=earlier)
    order_confirm_receipt(order_id=done.pk, actor=buyer)
    # On its way from the workshop.
    shipped = _place(buyer, workshop, 1)
    payment_sandbox_approve(payment=Payment.objects.get(pk=shipped.payment_id))
    order_ship(order_id=shipped.pk, actor=workshop_owner, carrier="中通快递 ZTO", tracking_number="ZTO7731650029")
    # Paid, waiting for the farm to ship.
    paid = _place(buyer, farm, 1)
    payment_sandbox_approve(payment=Payment.objects.get(pk=paid.payment_id))
    # Placed but not paid yet.
    _place(buyer, workshop, 1)
