from django.db import migrations

from common.migration_ops import pattern_indexes_dropped

# Django adds a `varchar_pattern_ops` index (`…_like`) beside the index of every unique or indexed CharField and
# SlugField on PostgreSQL, for LIKE 'prefix%' lookups. Nothing searches these columns by prefix; every insert
# wrote them (tests/test_index_hygiene.py). The unique constraints and indexes beside them stay.


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_redundant_fk_indexes")]

    operations = [
        pattern_indexes_dropped(
            {
                "catalog_category_slug_dbf63ad0_like": ("catalog_category", "slug"),
            }
        )
    ]
