"""Operations the apps' hand-written migrations share. Migrations import them: keep their names and signatures."""

from __future__ import annotations

from django.db import migrations


def pattern_indexes_dropped(indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """PostgreSQL: drops the `varchar_pattern_ops` indexes (`<table>_<column>_<hash>_like`) that Django adds beside
    the index of every unique or indexed CharField and SlugField, for `LIKE 'prefix%'` lookups. `indexes` maps
    each name to its (table, column). The unique constraint or plain index beside it stays, and serves every
    equality lookup. Other databases have no such index: nothing to do. Reversible (the index comes back)."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            q = schema_editor.quote_name
            for name, (table, column) in indexes.items():
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS {q(name)} ON {q(table)} ({q(column)} varchar_pattern_ops)"
                )

    return migrations.RunPython(forward, backward)
