from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live selling"

    def ready(self) -> None:
        from live import attribution, receivers
        from live.push_window import ROOM_FRAMES
        from live.services.pins import STOCK_FRAME_KIND, STOCK_WINDOW_SECONDS, pinned_stock_frame

        attribution.connect()
        receivers.connect()
        ROOM_FRAMES.register(name=STOCK_FRAME_KIND, build=pinned_stock_frame, window_seconds=STOCK_WINDOW_SECONDS)
