"""Celery beat: the seminar reminders run every hour from 8 to 20 (Europe/Rome).

Each registration is reminded once (reminder_sent_at), so the later runs of the day only
catch up what an earlier run missed (beat or broker down).
"""
from django.db import migrations

TASK_NAME = "Promemoria dei seminari (il giorno prima)"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8-20", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Rome"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": "accounts.send_seminar_reminders", "crontab": schedule, "enabled": True},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
