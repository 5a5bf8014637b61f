"""Product.in_stock: every writer of a SKU's stock or sale keeps it (the facets and the in-stock filter read it)."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.errors import OutOfStock
from catalog.models import Product, Sku
from catalog.services import (
    product_update,
    products_bulk_set_stock,
    sku_create,
    sku_delete,
    sku_update,
    stock_release,
    stock_reserve,
)
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _in_stock(product: Product) -> bool:
    return Product.objects.values_list("in_stock", flat=True).get(pk=product.pk)


def test_a_new_product_is_in_stock_when_a_sku_has_stock():
    assert _in_stock(make_product(skus=(("a", "1.00", 0), ("b", "1.00", 3))))
    assert not _in_stock(make_product(skus=(("a", "1.00", 0),)))


def test_a_checkout_that_sells_the_last_one_clears_the_flag_and_a_release_sets_it():
    product = make_product(skus=(("a", "1.00", 2),))
    sku = product.skus.get()
    with transaction.atomic():
        stock_reserve(items={sku.id: 1})
    assert _in_stock(product)
    with transaction.atomic():
        stock_reserve(items={sku.id: 1})
    assert not _in_stock(product)
    stock_release(items={sku.id: 1})
    assert _in_stock(product)


def test_a_checkout_that_does_not_sell_out_costs_one_statement():
    sku = make_product(skus=(("a", "1.00", 5),)).skus.get()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        stock_reserve(items={sku.id: 1})
    assert len(queries.captured_queries) == 1


def test_a_sold_out_sku_leaves_the_product_in_stock_while_another_has_stock():
    product = make_product(skus=(("a", "1.00", 1), ("b", "1.00", 1)))
    a, b = product.skus.order_by("id")
    with transaction.atomic():
        stock_reserve(items={a.id: 1})
    assert _in_stock(product)
    with transaction.atomic():
        stock_reserve(items={b.id: 1})
    assert not _in_stock(product)


def test_a_refused_checkout_leaves_the_flag():
    product = make_product(skus=(("a", "1.00", 1), ("b", "1.00", 1)))
    a, b = product.skus.order_by("id")
    with pytest.raises(OutOfStock), transaction.atomic():
        stock_reserve(items={a.id: 1, b.id: 2})
    assert _in_stock(product)


def test_a_released_sku_that_was_removed_does_not_put_the_product_back_in_stock():
    product = make_product(skus=(("a", "1.00", 0), ("b", "1.00", 0)))
    a = product.skus.order_by("id").first()
    Sku.objects.filter(pk=a.pk).update(is_active=False)
    stock_release(items={a.id: 3})
    assert not _in_stock(product)


def test_seller_stock_edits_set_the_flag():
    product = make_product(skus=(("a", "1.00", 4),))
    sku = product.skus.get()
    sku_update(sku=sku, stock="0")
    assert not _in_stock(product)
    sku_update(sku=sku, stock="7")
    assert _in_stock(product)


def test_a_new_sku_with_stock_puts_a_sold_out_product_back():
    product = make_product(skus=(("a", "1.00", 0),))
    sku_create(product=product, name="b", price="2.00", stock="5")
    assert _in_stock(product)


def test_removing_the_only_sku_with_stock_clears_the_flag():
    product = make_product(skus=(("a", "1.00", 0), ("b", "1.00", 5)))
    sku_delete(sku=product.skus.get(name="b"))
    assert not _in_stock(product)


def test_the_product_form_sku_rows_set_the_flag():
    product = make_product(skus=(("a", "1.00", 3),))
    sku = product.skus.get()
    product_update(product=product, skus=[{"id": sku.id, "name": "a", "price": "1.00", "stock": "0"}])
    assert not _in_stock(product)
    product_update(
        product=product,
        skus=[{"id": sku.id, "name": "a", "price": "1.00", "stock": "0"}, {"name": "b", "price": "1.00", "stock": "2"}],
    )
    assert _in_stock(product)


def test_bulk_set_stock_sets_the_flag():
    product = make_product(skus=(("a", "1.00", 3),))
    products_bulk_set_stock(shop_id=product.shop_id, product_ids=[product.pk], stock="0")
    assert not _in_stock(product)
    products_bulk_set_stock(shop_id=product.shop_id, product_ids=[product.pk], stock="9")
    assert _in_stock(product)


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_selling_out_two_skus_of_one_product_at_once_clear_the_flag():
    """The second recount waits for the first's row lock and then reads its committed stock: neither sees
    the other's SKU still in stock from before."""
    product = make_product(skus=(("a", "1.00", 1), ("b", "1.00", 1)))
    a, b = product.skus.order_by("id")
    first_reserved, second_started = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                stock_reserve(items={a.id: 1})
                first_reserved.set()
                second_started.wait(5)
                threading.Event().wait(0.5)  # the second checkout is now waiting on the product's lock
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    def second():
        try:
            first_reserved.wait(5)
            second_started.set()
            with transaction.atomic():
                stock_reserve(items={b.id: 1})
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert list(product.skus.order_by("id").values_list("stock", flat=True)) == [0, 0]
    assert not _in_stock(product)


def _waiting_on_a_lock(timeout: float = 5.0) -> bool:
    """Some other session of this test database waits for a row lock (the thread under test got there)."""
    import time

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction sees one snapshot of the stats
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_seller_edit_and_a_checkout_selling_the_last_unit_do_not_deadlock():
    """The checkout holds the SKU's row (its conditional UPDATE) and then locks the product to recount the
    flag; the product form changes the SKUs of a product it has locked. Both take the SKUs first, then the
    product: the edit waits for the checkout instead of holding the product it needs (a deadlock before)."""
    product = make_product(skus=(("a", "1.00", 1),))
    sku = product.skus.get()
    sku_taken, errors = threading.Event(), []

    def seller():
        try:
            sku_taken.wait(5)
            product_update(
                product=product, title="新标题", skus=[{"id": sku.id, "name": "a", "price": "2.00", "stock": "0"}]
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    thread = threading.Thread(target=seller)
    thread.start()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # the checkout's conditional UPDATE: the SKU's row is ours
                cursor.execute("UPDATE catalog_sku SET stock = stock - 1 WHERE id = %s AND stock >= 1", [sku.id])
            sku_taken.set()
            assert _waiting_on_a_lock(), errors  # the seller's edit waits for a lock we hold
            from catalog.services.stock import products_in_stock_recount

            products_in_stock_recount(product_ids=[product.pk])  # what stock_reserve does when a SKU sells out
    finally:
        thread.join(15)
    assert not errors
    product.refresh_from_db()
    assert product.title == "新标题" and not product.in_stock
    assert product.skus.get().price == 2
