"""Demo data: the people, shops, products, chats and orders from PRODUCT.md. Idempotent."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from marketplace.operators import operators_group_ensure


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


DEMO_PASSWORD = "market-demo-2026"
LOGINS = [
    DemoLogin("buyer", DEMO_PASSWORD, "buyer (买家)"),
    DemoLogin("farmer", DEMO_PASSWORD, "seller: 湖南老农家 farm shop (卖家)"),
    DemoLogin("carpenter", DEMO_PASSWORD, "seller: 东风村木艺 furniture workshop"),
    DemoLogin("teafarm", DEMO_PASSWORD, "seller: 云岭茶园 tea garden in Yunnan"),
    DemoLogin("operator", DEMO_PASSWORD, "operator: Django admin at /admin/ (运营)"),
]


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once for all demo logins (their password is printed for everyone): each hash costs ~0.3 s."""
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def demo_user_ensure(*, username: str, email: str, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"email": email, "is_staff": staff})
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def demo_users_ensure() -> dict[str, User]:
    users = {
        "buyer": demo_user_ensure(username="buyer", email="buyer@example.com"),
        "buyer2": demo_user_ensure(username="xiaomei", email="xiaomei@example.com"),
        "farmer": demo_user_ensure(username="farmer", email="farmer@example.com"),
        "carpenter": demo_user_ensure(username="carpenter", email="carpenter@example.com"),
        "fashion": demo_user_ensure(username="fashion", email="fashion@example.com"),
        "beauty": demo_user_ensure(username="beauty", email="beauty@example.com"),
        "teafarm": demo_user_ensure(username="teafarm", email="teafarm@example.com"),
        "operator": demo_user_ensure(username="operator", email="operator@example.com", staff=True),
    }
    users["operator"].groups.add(operators_group_ensure())
    return users


def demo_orders_and_history_ensure() -> None:
    """The demo orders; the notifications about past buyers' orders (months ago) are marked read, as their
    sellers and buyers read them then."""
    from notifications.models import Notification
    from notifications.services import notifications_mark_read
    from orders.demo import demo_orders_ensure
    from orders.models import OrderEvent

    placed = demo_orders_ensure()
    if not placed:
        return
    keys = {f"order-event:{pk}:" for pk in OrderEvent.objects.filter(order_id__in=placed).values_list("pk", flat=True)}
    unread: dict[int, list[int]] = {}
    for pk, user_id, key in Notification.objects.filter(
        key__startswith="order-event:", read_at__isnull=True
    ).values_list("pk", "user_id", "key"):
        if key[: key.rindex(":") + 1] in keys:
            unread.setdefault(user_id, []).append(pk)
    for user in User.objects.filter(pk__in=unread):
        notifications_mark_read(user=user, ids=unread[user.pk])


def seed_steps(*, redraw: bool = False):
    from chat.demo import demo_chats_ensure
    from marketplace.demo_catalog import demo_shops_ensure

    return [
        ("users and the Operators group", demo_users_ensure),
        ("shops and products with pictures", lambda: demo_shops_ensure(redraw=redraw)),
        ("chats between buyers and the farm shop", demo_chats_ensure),
        ("orders: the buyer's, and past buyers' (the products' sales)", demo_orders_and_history_ensure),
    ]


def seed_scale(*, shops: int, products: int, out) -> None:
    from marketplace.demo_catalog import seed_scale as catalog_scale

    catalog_scale(shops=shops, products=products, out=out)
