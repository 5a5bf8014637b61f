"""Product.in_stock: some SKU on sale has stock (the facets' and the in-stock filter's column).

The column is added as true (PostgreSQL stores a constant default in the catalogue: no table rewrite at 1M
rows), then one set-based UPDATE clears it where no SKU on sale has stock (a few in a thousand rows written,
not a million), then the model's default (false until catalog services count the SKUs) is declared.
"""

from django.db import migrations, models

OUT_OF_STOCK = """
UPDATE catalog_product SET in_stock = false
WHERE NOT EXISTS (
    SELECT 1 FROM catalog_sku s WHERE s.product_id = catalog_product.id AND s.is_active AND s.stock > 0
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_search_vector_weighted"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="in_stock",
            field=models.BooleanField(default=True, verbose_name="in stock"),
        ),
        migrations.RunSQL(OUT_OF_STOCK, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="product",
            name="in_stock",
            field=models.BooleanField(default=False, verbose_name="in stock"),
        ),
    ]
