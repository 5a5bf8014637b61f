"""Test data for orders: approved shops with an owner, active products with SKUs, placed orders."""

from __future__ import annotations

from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from catalog.models import Category, Product, Sku
from shops.models import Shop, ShopMember

ADDRESS = {"name": "王小明", "phone": "13800000000", "province": "湖北", "city": "武汉", "line": "珞喻路 100 号"}


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"测试农场 {n}")
    slug = factory.Sequence(lambda n: f"test-farm-{n}")
    province = "湖南"
    city = "湘西"
    status = Shop.Status.APPROVED

    @factory.post_generation
    def _owner_member(self, create, extracted, **kwargs):
        if create:
            ShopMember.objects.create(shop=self, user=self.owner, role=ShopMember.Role.OWNER)


def leaf_category() -> Category:
    category = Category.objects.filter(parent__isnull=False).order_by("id").first()
    if category is None:
        parent = Category.objects.create(name="食品", name_en="Food", slug="test-food")
        category = Category.objects.create(name="腌菜", name_en="Pickles", slug="test-pickles", parent=parent)
    return category


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    title = factory.Sequence(lambda n: f"农家腌萝卜 {n}")
    category = factory.LazyFunction(leaf_category)
    status = Product.Status.ACTIVE
    visible = True
    price_min = Decimal("28.00")


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"500 g 罐装 {n}")
    price = Decimal("28.00")
    stock = 100


def sku_in_shop(shop: Shop, *, price: str = "28.00", stock: int = 100) -> Sku:
    return SkuFactory(product=ProductFactory(shop=shop, price_min=Decimal(price)), price=Decimal(price), stock=stock)
