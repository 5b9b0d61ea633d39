"""Roles as groups with permissions: Operatore, Referente di Zona, Redattore, Moderatore, Amministratore."""
from django.db import migrations


def create_roles(apps, schema_editor):
    from portal.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_registrations_submissions"),
        ("cms", "0005_practice_workflow"),
        ("newsletter", "0002_subscriber_preferences"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Reversing keeps the groups: people may already be in them.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
