from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    """The project package: pages and commands that compose several apps."""

    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from marketplace import checks  # noqa: F401 - registers the deployment checks
