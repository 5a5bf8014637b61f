import factory

from accounts.tests.factories import UserFactory
from shops.models import Shop, ShopMember


class ShopFactory(factory.django.DjangoModelFactory):
    """An approved shop with its owner as a member."""

    class Meta:
        model = Shop
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"测试小店{n}")
    slug = factory.Sequence(lambda n: f"shop-{n}")
    province = "湖南"
    city = "长沙"
    status = Shop.Status.APPROVED

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            ShopMember.objects.get_or_create(shop=obj, user=obj.owner, defaults={"role": ShopMember.Role.OWNER})
