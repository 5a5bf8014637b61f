import pytest

from catalog.selectors import provinces_with_products
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_provinces_on_the_home_page_are_counted_once_then_cached(django_assert_num_queries):
    make_product(title="湖南腌萝卜", province="湖南")
    make_product(title="江苏板凳", province="江苏")
    provinces = provinces_with_products(limit=7)  # a limit no other test uses: its own cache key
    assert {p["province"] for p in provinces} >= {"湖南", "江苏"}
    with django_assert_num_queries(0):
        assert provinces_with_products(limit=7) == provinces


def _columns(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_skus_for_checkout_reads_what_select_related_reads_in_one_statement(django_assert_num_queries):
    from django.db.models import Exists, OuterRef

    from catalog.models import Category, Sku
    from catalog.selectors import skus_for_checkout
    from shops.models import ShopMember
    from tests.factories import ShopFactory

    # given: a SKU in a leaf category (with a parent), one in a top-level category (none), and a buyer
    # who works for the second SKU's shop
    leaf_sku = make_product(title="腌萝卜", skus=(("罐装", "28.00", 5),)).skus.get()
    top = Category.objects.filter(parent__isnull=True).order_by("id").first()
    shop = ShopFactory()
    top_sku = make_product(shop=shop, title="板凳", category=top.slug, skus=(("一张", "99.00", 1),)).skus.get()
    buyer = shop.owner

    # when
    with django_assert_num_queries(1):
        skus = skus_for_checkout(sku_ids=[leaf_sku.pk, top_sku.pk, 10**9], buyer_id=buyer.pk)
        # then: everything checkout touches is already there
        assert skus[leaf_sku.pk].product.category.parent is not None
        assert skus[top_sku.pk].product.category.parent is None
        assert skus[top_sku.pk].product.shop.slug == shop.slug

    own_shop = ShopMember.objects.filter(user=buyer, shop_id=OuterRef("product__shop_id"))
    expected = {
        s.pk: s
        for s in Sku.objects.select_related("product__shop", "product__category__parent")
        .annotate(buyer_is_member=Exists(own_shop))
        .filter(pk__in=[leaf_sku.pk, top_sku.pk])
    }
    assert set(skus) == set(expected)  # the unknown id is simply absent
    for pk, sku in skus.items():
        want = expected[pk]
        assert _columns(sku) == _columns(want)
        assert _columns(sku.product) == _columns(want.product)
        assert _columns(sku.product.shop) == _columns(want.product.shop)
        assert _columns(sku.product.category) == _columns(want.product.category)
        parent, want_parent = sku.product.category.parent, want.product.category.parent
        assert (parent and _columns(parent)) == (want_parent and _columns(want_parent))
        assert sku.buyer_is_member is want.buyer_is_member
        assert not sku._state.adding and not sku.product._state.adding
    assert skus[top_sku.pk].buyer_is_member is True and skus[leaf_sku.pk].buyer_is_member is False
    assert skus_for_checkout(sku_ids=[], buyer_id=buyer.pk) == {}
