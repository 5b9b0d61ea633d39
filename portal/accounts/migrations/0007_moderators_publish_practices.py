"""Moderatore may publish under the practices index: approving the last workflow task
publishes the revision with the approver's permissions (Wagtail 8)."""
from django.db import migrations


def resync_roles(apps, schema_editor):
    from portal.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_seminar_reminder_schedule")]

    operations = [migrations.RunPython(resync_roles, migrations.RunPython.noop)]
