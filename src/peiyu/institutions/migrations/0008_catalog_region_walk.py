"""PostgreSQL: the indexes that give a province's and a city's listings newest first, for a common
keyword searched within a region (selectors.catalog._recent_page, ADR 0010). SQLite's keyword index
already yields its matches newest first."""

from django.db import migrations

from peiyu.institutions.selectors import catalog_index


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite gets the province's index in 0010
        catalog_index.create_region_walk(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        catalog_index.drop_region_walk(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0007_catalog_covering_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
