from django.db import migrations

from common.migration_ops import pattern_indexes_dropped

# Django adds a `varchar_pattern_ops` index (`…_like`) beside the index of every unique or indexed CharField and
# SlugField on PostgreSQL, for LIKE 'prefix%' lookups. Nothing searches these columns by prefix; every insert
# wrote them (tests/test_index_hygiene.py). The unique constraints and indexes beside them stay.


class Migration(migrations.Migration):
    dependencies = [("orders", "0011_order_event_outbox")]

    operations = [
        pattern_indexes_dropped(
            {
                "orders_order_number_abc9e0f2_like": ("orders_order", "number"),
            }
        )
    ]
