from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# Order events become their own transactional outbox (orders.services.events.order_events_publish): until
# now a commit pushed its event ids to a list in Redis for the notifications' drain. Events older than an
# hour were notified long ago and are marked published; younger ones (some may still wait in the old Redis
# list, which nothing reads any more) are published again by the next drain — their notifications are
# keyed on the event, so nobody hears twice.


def mark_notified_events_published(apps, schema_editor):
    OrderEvent = apps.get_model("orders", "OrderEvent")
    cutoff = timezone.now() - timedelta(hours=1)
    OrderEvent.objects.filter(published_at__isnull=True, created_at__lt=cutoff).update(
        published_at=models.F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_redundant_fk_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the event was handed to its notifications; empty while it waits.",
                null=True,
                verbose_name="notified at",
            ),
        ),
        migrations.RunPython(mark_notified_events_published, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="orderevent",
            index=models.Index(
                condition=models.Q(("published_at__isnull", True)), fields=["id"], name="orders_event_unpublished"
            ),
        ),
    ]
