from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    """The project package: pages and commands that compose several apps."""

    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from marketplace import checks  # noqa: F401 - registers the deployment checks
        from marketplace.operators import operators_group_after_migrate

        post_migrate.connect(operators_group_after_migrate, dispatch_uid="marketplace.operators_group")
