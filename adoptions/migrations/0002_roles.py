from django.db import migrations


def sync_roles(apps, schema_editor):
    """Moderators may moderate the records, administrators everything (portal.roles)."""
    from portal.roles import sync_roles as sync

    sync(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("adoptions", "0001_initial"),
        ("accounts", "0007_moderators_publish_practices"),
        ("newsletter", "0008_bounces_mailbox_preheader_and_mailto_unsubscribe"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
