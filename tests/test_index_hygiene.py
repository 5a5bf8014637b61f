"""Every foreign key is served by an index, and by no more than one: an index on the column alone beside a
whole-table index (or unique constraint) that leads with it is written on every insert and never needed
(bench B1: a checkout wrote five such)."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

# Every index of a table: its name, its columns in order, whether it covers every row (no WHERE).
INDEXES = """
SELECT i.relname, array_agg(a.attname ORDER BY k.n), x.indpred IS NULL
FROM pg_index x
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_class i ON i.oid = x.indexrelid
CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE t.relname = %s
GROUP BY i.relname, x.indpred
"""


def _indexes(table: str) -> list[tuple[str, list[str | None], bool]]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES, [table])
        return cursor.fetchall()


def _project_foreign_keys():
    for model in apps.get_models():
        if model._meta.app_label in {"admin", "auth", "contenttypes", "sessions", "authtoken"}:
            continue
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.local_fields:
            if field.many_to_one and field.db_constraint:
                yield model, field


def test_every_foreign_key_has_an_index_leading_with_it_and_no_redundant_one_of_its_own():
    redundant, unindexed = [], []
    for model, field in _project_foreign_keys():
        indexes = _indexes(model._meta.db_table)
        whole = [(name, columns) for name, columns, total in indexes if total]
        alone = [name for name, columns in whole if columns == [field.column]]
        leading = [name for name, columns in whole if len(columns) > 1 and columns[0] == field.column]
        if alone and leading:
            redundant.append(f"{model._meta.db_table}.{alone[0]} (also {leading[0]})")
        if not any(columns and columns[0] == field.column for _name, columns, _total in indexes):
            unindexed.append(f"{model._meta.db_table}.{field.column}")
    assert redundant == [], "\n".join(redundant)
    assert unindexed == [], "\n".join(unindexed)
