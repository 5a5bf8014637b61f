from django.db import migrations

from common.migration_ops import pattern_indexes_dropped

# Django adds a `varchar_pattern_ops` index (`…_like`) beside the index of every unique or indexed CharField and
# SlugField on PostgreSQL, for LIKE 'prefix%' lookups. Nothing searches these columns by prefix; every insert
# wrote them (tests/test_index_hygiene.py). The unique constraints and indexes beside them stay.


class Migration(migrations.Migration):
    dependencies = [("shops", "0007_redundant_fk_indexes")]

    operations = [
        pattern_indexes_dropped(
            {
                "shops_shop_slug_126a7d68_like": ("shops_shop", "slug"),
                "shops_shop_status_59a6b4dd_like": ("shops_shop", "status"),
            }
        )
    ]
