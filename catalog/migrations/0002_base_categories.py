from django.db import migrations


def forwards(apps, schema_editor):
    from catalog.category_tree import category_tree_ensure

    category_tree_ensure(apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
