from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live selling"

    def ready(self) -> None:
        from live import attribution, receivers

        attribution.connect()
        receivers.connect()
