from django.db import migrations


def forwards(apps, schema_editor):
    from peiyu.audit.triggers import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from peiyu.audit.triggers import remove

    remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
