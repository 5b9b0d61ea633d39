from django.db import migrations


def sync_roles(apps, schema_editor):
    """Moderators moderate and answer the questions, Referenti di Zona answer their zona's, administrators
    do everything (portal.roles)."""
    from portal.roles import sync_roles as sync

    sync(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("questions", "0001_initial"),
        ("adoptions", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
