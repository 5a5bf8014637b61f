"""A GIN index over the segmented search document, on PostgreSQL only (SQLite searches by contains)."""

from django.db import migrations

INDEX = "catalog_product_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_product "
            "USING gin (to_tsvector('simple'::regconfig, search_document)) WHERE visible"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_base_categories")]
    operations = [migrations.RunPython(forwards, backwards)]
