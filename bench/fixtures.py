"""Bulk fixtures for the benchmarks, written straight through the ORM (Django must be set up).

Buyers and sellers get DRF tokens; shops are approved; products are visible — the same rows the
services would write, made in bulk so setting up 2,000 chat users takes seconds, not minutes.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone


def users_create(prefix: str, n: int) -> list:
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    password = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"{prefix}{i}", password=password, email=f"{prefix}{i}@bench.local") for i in range(n)]
        )
        tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    for user, token in zip(users, tokens, strict=True):
        user.bench_token = token.key
    return users


def shops_create(owners: list, *, prefix: str = "bench-shop") -> list:
    from shops.models import Shop, ShopMember

    with transaction.atomic():
        shops = Shop.objects.bulk_create(
            [
                Shop(
                    owner=o,
                    name=f"压测小店{i}",
                    slug=f"{prefix}-{i}",
                    province="湖南",
                    city="长沙",
                    status=Shop.Status.APPROVED,
                    approved_at=timezone.now(),
                )
                for i, o in enumerate(owners)
            ]
        )
        ShopMember.objects.bulk_create([ShopMember(shop=s, user=s.owner, role=ShopMember.Role.OWNER) for s in shops])
    return shops


def products_create(shop, *, n: int, stock: int, price: str = "28.00", title: str = "湖南农家腌萝卜") -> list:
    """n products of one shop with one SKU each; returns the SKUs."""
    from catalog.models import Category, Product, Sku
    from catalog.search import search_document

    category = Category.objects.filter(parent__isnull=False).order_by("id").first()
    document = search_document([title])
    with transaction.atomic():
        products = Product.objects.bulk_create(
            [
                Product(
                    shop=shop,
                    title=f"{title} {i}",
                    description=title,
                    category=category,
                    province="湖南",
                    city="长沙",
                    status=Product.Status.ACTIVE,
                    visible=True,
                    price_min=Decimal(price),
                    search_document=document,
                    published_at=timezone.now(),
                )
                for i in range(n)
            ]
        )
        skus = Sku.objects.bulk_create(
            [Sku(product=p, name="标准装", price=Decimal(price), stock=stock) for p in products]
        )
    for sku, product in zip(skus, products, strict=True):
        sku.product = product
    return skus
