"""Indexes every insert writes and no query reads, on the project's own tables. Every foreign key is served by an
index, and by no more than one: an index on the column alone beside a whole-table index (or unique constraint)
that leads with it is never needed (bench B1: a checkout wrote five such). No column keeps the prefix-search
index Django adds beside a unique or indexed CharField unless the project searches it by prefix."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
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


def _project_fields():
    """The fields of the project's own tables (apps in this checkout: not Django's, DRF's or Celery beat's)."""
    for model in apps.get_models():
        path = Path(model._meta.app_config.path)
        if not path.is_relative_to(settings.BASE_DIR) or "site-packages" in path.parts:
            continue
        if model._meta.managed and not model._meta.proxy:
            for field in model._meta.local_fields:
                yield model, field


def _project_foreign_keys():
    return ((model, field) for model, field in _project_fields() if field.many_to_one and field.db_constraint)


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


# Django adds a `varchar_pattern_ops` index beside the index of every unique or indexed CharField and SlugField
# (PostgreSQL, for LIKE 'prefix%'). The columns the project searches by prefix, each with the query that does:
PREFIX_SEARCHED = {
    "catalog_searchterm.term",  # catalog.suggest: what the buyer typed
    "catalog_searchterm.pinyin",  # catalog.suggest: typed latin letters, as pinyin
    "catalog_searchterm.initials",  # catalog.suggest: typed latin letters, as initials
}

PATTERN_INDEXES = """
SELECT t.relname, i.relname, a.attname
FROM pg_index x
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_opclass o ON o.oid = x.indclass[0]
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
WHERE o.opcname IN ('varchar_pattern_ops', 'text_pattern_ops') AND t.relname = ANY(%s)
"""


def test_no_project_column_keeps_a_prefix_search_index_nothing_uses():
    """Each was written on every insert (a checkout wrote two: the order's number, the payment's status) and
    read by no query: the project's prefix searches (catalog.suggest) have their own indexes. A new unique or
    indexed CharField brings one: drop it in its migration (common.migration_ops.pattern_indexes_dropped)."""
    tables = sorted({model._meta.db_table for model, _field in _project_fields()})
    with connection.cursor() as cursor:
        cursor.execute(PATTERN_INDEXES, [tables])
        found = [f"{table}.{column} ({index})" for table, index, column in cursor.fetchall()]
    assert [name for name in found if name.split(" ")[0] not in PREFIX_SEARCHED] == []
