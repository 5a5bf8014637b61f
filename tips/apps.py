from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = _("Tips")

    def ready(self) -> None:
        from live.extensions import SHOW_PARTS
        from payments.references import PAYMENT_REFERENCES
        from payments.services.refunds import references_not_refundable
        from tips import receivers
        from tips.models import REFERENCE_PREFIX
        from tips.references import tip_references_described
        from tips.selectors import show_tip_stats, tip_show_detail

        receivers.connect()
        references_not_refundable(REFERENCE_PREFIX)  # tips are never refunded
        PAYMENT_REFERENCES.register(prefix=REFERENCE_PREFIX, describe=tip_references_described)  # the pay page
        SHOW_PARTS.register(name="tips", detail=tip_show_detail, room_template="tips/_room.html", stats=show_tip_stats)
