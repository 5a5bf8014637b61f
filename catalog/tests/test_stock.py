import pytest
from django.db import transaction

from catalog.errors import OutOfStock
from catalog.models import Sku
from catalog.services import stock_release, stock_reserve
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_reserve_is_all_or_nothing_and_names_the_sku():
    product = make_product(skus=(("a", "1.00", 5), ("b", "1.00", 1)))
    a, b = product.skus.order_by("id")
    with pytest.raises(OutOfStock) as excinfo, transaction.atomic():  # as checkout calls it, in a transaction
        stock_reserve(items={a.id: 2, b.id: 2})
    assert excinfo.value.details == {"sku": b.id, "available": 1}
    assert list(Sku.objects.order_by("id").values_list("stock", flat=True)) == [5, 1]
    stock_reserve(items={a.id: 5, b.id: 1})
    assert list(Sku.objects.order_by("id").values_list("stock", flat=True)) == [0, 0]
    stock_release(items={a.id: 2})
    assert Sku.objects.get(pk=a.id).stock == 2


def test_reserve_refuses_non_positive_quantities():
    sku = make_product().skus.get()
    from common.errors import ValidationFailed

    with pytest.raises(ValidationFailed), transaction.atomic():
        stock_reserve(items={sku.id: 0})


def test_reserve_on_a_removed_sku_is_out_of_stock():
    sku = make_product(skus=(("a", "1.00", 5), ("b", "1.00", 5))).skus.first()
    Sku.objects.filter(pk=sku.pk).update(is_active=False)
    with pytest.raises(OutOfStock) as excinfo, transaction.atomic():
        stock_reserve(items={sku.id: 1})
    assert excinfo.value.details["available"] == 0
