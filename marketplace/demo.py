"""Demo data: the people, shops, products, chats and orders from PRODUCT.md. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import User

OPERATOR_APPS = ["accounts", "shops", "catalog", "orders", "payments", "chat", "notifications", "django_celery_beat"]


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
    DemoLogin("operator", DEMO_PASSWORD, "operator: Django admin at /admin/ (运营)"),
]


@transaction.atomic
def operators_group_ensure() -> Group:
    """Operators are staff in this group, with the rights of the marketplace's own models."""
    group, _ = Group.objects.get_or_create(name="Operators")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=OPERATOR_APPS))
    return group


@transaction.atomic
def demo_user_ensure(*, username: str, email: str, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"email": email, "is_staff": staff})
    if created:
        user.set_password(DEMO_PASSWORD)
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
        "operator": demo_user_ensure(username="operator", email="operator@example.com", staff=True),
    }
    users["operator"].groups.add(operators_group_ensure())
    return users


def seed_steps():
    from chat.demo import demo_chats_ensure
    from marketplace.demo_catalog import demo_shops_ensure
    from orders.demo import demo_orders_ensure

    return [
        ("users and the Operators group", demo_users_ensure),
        ("shops and products with photos", demo_shops_ensure),
        ("chats between buyers and the farm shop", demo_chats_ensure),
        ("orders in several states for the buyer", demo_orders_ensure),
    ]


def seed_scale(*, shops: int, products: int, out) -> None:
    from marketplace.demo_catalog import seed_scale as catalog_scale

    catalog_scale(shops=shops, products=products, out=out)
