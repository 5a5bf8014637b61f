"""A stored tsvector column (PostgreSQL only), so search neither recomputes to_tsvector nor re-parses
documents when it ranks; the GIN index moves to it."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalog_product_search_gin")
    schema_editor.execute(
        "ALTER TABLE catalog_product ADD COLUMN IF NOT EXISTS search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_document)) STORED")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalog_product_search_vector_gin ON catalog_product "
        "USING gin (search_vector) WHERE visible")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalog_product_search_vector_gin")
    schema_editor.execute("ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalog_product_search_gin ON catalog_product "
        "USING gin (to_tsvector('simple'::regconfig, search_document)) WHERE visible")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_index")]
    operations = [migrations.RunPython(forwards, backwards)]
