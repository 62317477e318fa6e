"""SQLite: the index that gives a province's listings newest first (catalog_index.REGION_WALK), which a
province's page without keywords walks (selectors.catalog_sql._where). PostgreSQL made it in 0008."""

from django.db import migrations

from peiyu.institutions.selectors import catalog_index


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        catalog_index.create_region_walk(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        catalog_index.drop_region_walk(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0009_catalog_keyword_region_tokens"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
