from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = _("Flash deals")

    def ready(self) -> None:
        from deals import receivers
        from deals.selectors import show_deal_detail, show_deal_stats_rows
        from live.extensions import SHOW_PARTS

        receivers.connect()
        SHOW_PARTS.register(
            name="deal",
            detail=show_deal_detail,
            room_template="deals/_room.html",
            console_template="deals/_console.html",
            stats=show_deal_stats_rows,
        )
