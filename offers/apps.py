from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Offers")

    def ready(self) -> None:
        from offers import page_parts

        page_parts.connect()  # the offer cards, the offer form and the accept sheet on chat's conversation page
