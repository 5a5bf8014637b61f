"""Issue 24: a weighted tsvector model field (title A, category and SKU names B, shop and origin C,
description and translations D) in place of 0004's unweighted generated column; its GIN index (visible
listings) on PostgreSQL only; every listing's search fields rewritten."""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations
from django.db.models import Q

INDEX = "product_search_gin"


def legacy_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalog_product_search_vector_gin")
        schema_editor.execute("ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector")


def _index(apps):
    return GinIndex(fields=["search_vector"], name=INDEX, condition=Q(visible=True))


def index_and_reindex(apps, schema_editor):
    from catalog.search_index import reindex

    reindex(apps.get_model("catalog", "Product").objects.all())
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("catalog", "Product"), _index(apps))


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("catalog", "Product"), _index(apps))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_search_terms")]

    operations = [
        migrations.RunPython(legacy_drop, migrations.RunPython.noop),
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="search vector"
            ),
        ),
        migrations.RunPython(index_and_reindex, index_drop),
    ]
