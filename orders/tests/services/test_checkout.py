from decimal import Decimal

import pytest

from catalog.errors import OutOfStock
from catalog.models import Category
from common.errors import ValidationFailed
from common.idempotency import idempotent_write
from orders.models import CartItem, IdempotencyKey, Order, OrderEvent, OrderLine
from orders.services.cart import cart_item_add
from orders.services.checkout import checkout_place
from payments.models import Payment, PaymentAllocation
from tests.factories import ADDRESS, ProductFactory, ShopFactory, SkuFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def test_whole_cart_makes_one_order_per_shop_and_one_payment():
    # given a cart with items from two shops
    buyer = UserFactory()
    farm, workshop = ShopFactory(), ShopFactory()
    radish, sausage = sku_in_shop(farm, price="28.00", stock=5), sku_in_shop(farm, price="68.00", stock=5)
    stool = sku_in_shop(workshop, price="89.00", stock=5)
    for sku, qty in [(radish, 2), (sausage, 1), (stool, 1)]:
        cart_item_add(user=buyer, sku_id=sku.pk, quantity=qty)

    # when
    result = checkout_place(buyer=buyer, address=ADDRESS)

    # then
    orders = {o.shop_id: o for o in result.orders}
    assert set(orders) == {farm.pk, workshop.pk}
    assert orders[farm.pk].total == Decimal("124.00") and orders[workshop.pk].total == Decimal("89.00")
    assert all(
        o.status == Order.Status.PENDING_PAYMENT and o.number.isdigit() and len(o.number) == 18 for o in orders.values()
    )
    payment = result.payment
    assert payment.amount == Decimal("213.00") and payment.status == Payment.Status.PENDING
    assert Order.objects.filter(payment=payment).count() == 2
    radish.refresh_from_db(), stool.refresh_from_db()
    assert (radish.stock, stool.stock) == (3, 4)
    assert not CartItem.objects.filter(cart__user=buyer).exists()
    line = OrderLine.objects.get(sku=radish)
    assert (line.product_title, line.sku_name, line.unit_price, line.quantity) == (
        radish.product.title,
        radish.name,
        Decimal("28.00"),
        2,
    )
    assert OrderEvent.objects.filter(type=OrderEvent.Type.PLACED).count() == 2
    assert result.pay_url == f"/pay/sandbox/{payment.pk}/"


def test_prices_come_from_the_database_not_the_cart_time():
    buyer = UserFactory()
    sku = SkuFactory(price=Decimal("28.00"))
    cart_item_add(user=buyer, sku_id=sku.pk, quantity=1)
    sku.price = Decimal("30.00")
    sku.save()

    order = checkout_place(buyer=buyer, address=ADDRESS).orders[0]

    assert order.total == Decimal("30.00")


def test_out_of_stock_writes_nothing_and_names_the_sku():
    buyer = UserFactory()
    plenty, scarce = SkuFactory(stock=10), SkuFactory(stock=1)

    with pytest.raises(OutOfStock) as caught:
        checkout_place(
            buyer=buyer, address=ADDRESS, items=[{"sku": plenty.pk, "quantity": 2}, {"sku": scarce.pk, "quantity": 2}]
        )

    assert caught.value.details == {"sku": scarce.pk, "available": 1}
    plenty.refresh_from_db()
    assert plenty.stock == 10
    assert not Order.objects.exists() and not Payment.objects.exists()


def test_buying_from_your_own_shop_is_refused():
    shop = ShopFactory()
    sku = sku_in_shop(shop)
    with pytest.raises(ValidationFailed):
        checkout_place(buyer=shop.owner, address=ADDRESS, items=[{"sku": sku.pk, "quantity": 1}])


def test_a_delisted_product_cannot_be_bought():
    sku = SkuFactory(product=ProductFactory(visible=False))
    with pytest.raises(OutOfStock):
        checkout_place(buyer=UserFactory(), address=ADDRESS, items=[{"sku": sku.pk, "quantity": 1}])


@pytest.mark.parametrize("field", ["name", "phone", "line"])
def test_the_address_is_required(field):
    sku = SkuFactory()
    with pytest.raises(ValidationFailed) as caught:
        checkout_place(buyer=UserFactory(), address={**ADDRESS, field: "  "}, items=[{"sku": sku.pk, "quantity": 1}])
    assert f"address.{field}" in caught.value.fields


def test_commission_rate_is_frozen_from_category_then_parent_then_platform(settings):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.05")
    parent = Category.objects.create(name="家具", slug="t-furniture", commission_rate=Decimal("0.0300"))
    child = Category.objects.create(name="椅子", slug="t-chairs", parent=parent)
    own = Category.objects.create(name="桌子", slug="t-tables", parent=parent, commission_rate=Decimal("0.0200"))
    none_parent = Category.objects.create(name="其他", slug="t-other")
    skus = [SkuFactory(product=ProductFactory(category=c)) for c in (child, own, none_parent)]

    checkout_place(buyer=UserFactory(), address=ADDRESS, items=[{"sku": s.pk, "quantity": 1} for s in skus])

    rates = [OrderLine.objects.get(sku=s).commission_rate for s in skus]
    assert rates == [Decimal("0.0300"), Decimal("0.0200"), Decimal("0.0500")]
    parent.commission_rate = Decimal("0.1")
    parent.save()
    assert OrderLine.objects.get(sku=skus[0]).commission_rate == Decimal("0.0300")


@pytest.mark.parametrize("lines_per_shop", [1, 12])
def test_checkout_query_count_does_not_grow_with_lines(django_assert_max_num_queries, lines_per_shop):
    # given a cart with two shops and N lines in each
    buyer = UserFactory()
    shops = [ShopFactory(), ShopFactory()]
    for shop in shops:
        for _ in range(lines_per_shop):
            cart_item_add(user=buyer, sku_id=sku_in_shop(shop).pk, quantity=2)

    # then: the same bound for 2 lines as for 24 (with an Idempotency-Key, the most expensive path).
    # 7 = the cart (which carries the key's claim, setting the lock timeout: common.idempotency.KeyClaim),
    # the SKUs, ONE statement for the payment, allocations, orders, lines, events and cart lines
    # (checkout_fast_sql), the SKUs' row locks, the stock UPDATE carrying the stored answer + 2
    # SAVEPOINT/RELEASE (the test's own wrapper). It was 15 (bench B1), then 9.
    with django_assert_max_num_queries(7), _keyed_write(buyer, "k1") as write:
        result = checkout_place(buyer=buyer, address=ADDRESS)
        write.answer(201, {"ok": True})

    assert len(result.orders) == 2
    assert OrderLine.objects.count() == 2 * lines_per_shop
    assert PaymentAllocation.objects.count() == 2


def _keyed_write(buyer, key: str):
    return idempotent_write(store=IdempotencyKey, user=buyer, key=key, fingerprint="h", lock_wait_ms=1000)


def test_stock_is_taken_last_so_a_hot_sku_is_locked_only_until_the_commit():
    """Bench B1: the row lock of a flash-sale SKU is held from its UPDATE to the COMMIT; every other write
    of the checkout happens before it, and the Idempotency-Key's stored answer travels with it (a `WITH` query
    in front of the stock UPDATE: one round trip for both)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buyer, sku = UserFactory(), SkuFactory(stock=5)
    with CaptureQueriesContext(connection) as queries, _keyed_write(buyer, "k-last") as write:
        checkout_place(buyer=buyer, address=ADDRESS, items=[{"sku": sku.pk, "quantity": 1}])
        write.answer(201, {"ok": True})

    writes = [
        " ".join(q["sql"].upper().split())
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "WITH"))
    ]
    carried, _, last = writes[-1].partition(") UPDATE ")
    assert carried.startswith("WITH CARRIED_0 AS (UPDATE") and "IDEMPOTENCYKEY" in carried
    assert last.startswith("CATALOG_SKU") and "IDEMPOTENCYKEY" not in last
    assert not any("CATALOG_SKU" in w or ("IDEMPOTENCYKEY" in w and w.startswith("UPDATE")) for w in writes[:-1])
    sku.refresh_from_db()
    assert sku.stock == 4
    assert IdempotencyKey.objects.values_list("status_code", "response_json").get(key="k-last") == (201, {"ok": True})


def test_a_sold_out_sku_is_refused_before_anything_is_written():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buyer, sku = UserFactory(), SkuFactory(stock=0)

    with CaptureQueriesContext(connection) as queries, pytest.raises(OutOfStock) as caught:
        checkout_place(buyer=buyer, address=ADDRESS, items=[{"sku": sku.pk, "quantity": 1}])

    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]

    assert caught.value.details == {"sku": sku.pk, "available": 0}
    assert not Order.objects.exists() and not Payment.objects.exists()


def test_buy_now_takes_the_bought_sku_out_of_the_cart_and_leaves_the_rest():
    # given two buyers with the same SKU in their carts, and another SKU in the first one's
    buyer, other = UserFactory(), UserFactory()
    bought, kept = SkuFactory(stock=5), SkuFactory(stock=5)
    cart_item_add(user=buyer, sku_id=bought.pk, quantity=2)
    cart_item_add(user=buyer, sku_id=kept.pk, quantity=1)
    cart_item_add(user=other, sku_id=bought.pk, quantity=1)

    # when the first buys it now
    checkout_place(buyer=buyer, address=ADDRESS, items=[{"sku": bought.pk, "quantity": 1}])

    # then only that line of that cart is gone
    assert list(CartItem.objects.filter(cart__user=buyer).values_list("sku_id", flat=True)) == [kept.pk]
    assert list(CartItem.objects.filter(cart__user=other).values_list("sku_id", flat=True)) == [bought.pk]
