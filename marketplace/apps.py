from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    """The project package: pages and commands that compose several apps."""

    name = "marketplace"
    verbose_name = "Marketplace"

