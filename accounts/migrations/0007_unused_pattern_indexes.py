from django.db import migrations

from common.migration_ops import pattern_indexes_dropped

# Django adds a `varchar_pattern_ops` index (`…_like`) beside the index of every unique or indexed CharField and
# SlugField on PostgreSQL, for LIKE 'prefix%' lookups. Nothing searches these columns by prefix; every insert
# wrote them (tests/test_index_hygiene.py). The unique constraints and indexes beside them stay.


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_redundant_fk_indexes")]

    operations = [
        pattern_indexes_dropped(
            {
                "accounts_user_username_6088629e_like": ("accounts_user", "username"),
                "accounts_user_session_session_key_4dc255f9_like": ("accounts_user_session", "session_key"),
            }
        )
    ]
