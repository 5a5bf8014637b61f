"""Test data for chat: an approved shop with its owner, a public product with a SKU, conversations."""

from __future__ import annotations

from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from catalog.models import Category, Product, Sku
from chat.models import Conversation
from shops.models import Shop, ShopMember


def leaf_category() -> Category:
    category = Category.objects.filter(parent__isnull=False).first()
    if category is None:  # transactional tests flush the data migration's rows
        parent, _ = Category.objects.get_or_create(slug="chat-test-food", defaults={"name": "食品"})
        category, _ = Category.objects.get_or_create(
            slug="chat-test-pickles", defaults={"name": "腌菜", "parent": parent}
        )
    return category


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"湖南老农家 {n}")
    slug = factory.Sequence(lambda n: f"farm-{n}")
    province = "湖南"
    city = "湘西"
    village = "石板村"
    status = Shop.Status.APPROVED

    @factory.post_generation
    def owner_member(self, create, extracted, **kwargs):
        if create:
            ShopMember.objects.create(shop=self, user=self.owner, role=ShopMember.Role.OWNER)


def staff_for(shop: Shop, **kwargs):
    user = UserFactory(**kwargs)
    ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)
    return user


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    shop = factory.SubFactory(ShopFactory)
    title = factory.Sequence(lambda n: f"湘西腊肉 Smoked Bacon {n}")
    description = "五花腊肉，咸香带辣。"
    category = factory.LazyFunction(leaf_category)
    status = Product.Status.ACTIVE
    visible = True
    price_min = Decimal("128.00")

    @factory.post_generation
    def sku(self, create, extracted, **kwargs):
        if create:
            Sku.objects.create(product=self, name="1 kg", price=self.price_min, stock=40)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    buyer = factory.SubFactory(UserFactory)
    shop = factory.SubFactory(ShopFactory)
