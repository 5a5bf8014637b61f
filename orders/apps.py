from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from orders import page_parts
        from orders.receivers import connect

        connect()
        page_parts.connect()  # a product's reviews and a shop's scores on catalog's and shops' pages
