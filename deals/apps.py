from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = _("Flash deals")

    def ready(self) -> None:
        from deals import receivers
        from deals.broadcast import FRAME_KIND, REMAINING_WINDOW_SECONDS, deal_frame
        from deals.selectors import show_deal_detail, show_deal_stats_rows
        from live.extensions import SHOW_PARTS
        from live.push_window import ROOM_FRAMES

        receivers.connect()
        SHOW_PARTS.register(
            name="deal",
            detail=show_deal_detail,
            room_template="deals/_room.html",
            console_template="deals/_console.html",
            stats=show_deal_stats_rows,
        )
        ROOM_FRAMES.register(name=FRAME_KIND, build=deal_frame, window_seconds=REMAINING_WINDOW_SECONDS)
