from django.db import migrations

from common.migration_ops import pattern_indexes_dropped

# Django adds a `varchar_pattern_ops` index (`…_like`) beside the index of every unique or indexed CharField and
# SlugField on PostgreSQL, for LIKE 'prefix%' lookups. Nothing searches these columns by prefix; every insert
# wrote them (tests/test_index_hygiene.py). The unique constraints and indexes beside them stay.


class Migration(migrations.Migration):
    dependencies = [("live", "0004_redundant_fk_indexes")]

    operations = [
        pattern_indexes_dropped(
            {
                "live_show_public_id_fbac3d6a_like": ("live_show", "public_id"),
                "live_show_stream_key_1e299ec3_like": ("live_show", "stream_key"),
            }
        )
    ]
