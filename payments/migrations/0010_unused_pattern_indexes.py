from django.db import migrations

from common.migration_ops import pattern_indexes_dropped

# Django adds a `varchar_pattern_ops` index (`…_like`) beside the index of every unique or indexed CharField and
# SlugField on PostgreSQL, for LIKE 'prefix%' lookups. Nothing searches these columns by prefix; every insert
# wrote them (tests/test_index_hygiene.py). The unique constraints and indexes beside them stay.


class Migration(migrations.Migration):
    dependencies = [("payments", "0009_redundant_fk_indexes")]

    operations = [
        pattern_indexes_dropped(
            {
                "payments_payment_status_fc8cbda2_like": ("payments_payment", "status"),
                "payments_refund_reference_0209ea94_like": ("payments_refund", "reference"),
                "payments_refund_status_0e47ccad_like": ("payments_refund", "status"),
                "payments_payoutbatch_status_52116d4e_like": ("payments_payoutbatch", "status"),
                "payments_sandboxtransfer_idempotency_key_7eb1ad1b_like": (
                    "payments_sandboxtransfer",
                    "idempotency_key",
                ),
            }
        )
    ]
