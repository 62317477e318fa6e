"""SQLite: the keyword index's entries also hold each listing's region (catalog_index.region_tokens),
so a keyword searched within a region is answered by the index for both at once. The triggers are made
again and every entry is written anew. PostgreSQL: nothing to do (its planner combines the keyword's
index with the region's). Backwards: nothing to undo — the extra tokens never match a keyword's grams."""

from django.db import migrations

from peiyu.institutions.selectors import catalog_index


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        catalog_index.reindex_sqlite(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0008_catalog_region_walk"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
