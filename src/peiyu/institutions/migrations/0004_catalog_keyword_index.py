"""The public catalog's keyword index (ADR 0010; selectors.catalog_index): an n-gram index of each
listing's search line, kept by triggers — an FTS5 table on SQLite, a GIN-indexed tsvector column on
PostgreSQL."""

from django.db import migrations

from peiyu.institutions.selectors import catalog_index


def forwards(apps, schema_editor):
    catalog_index.create_index(schema_editor)


def backwards(apps, schema_editor):
    catalog_index.drop_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0003_expert_pool_management"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
