"""Beat schedule of the newsletter (django-celery-beat, editable in the admin afterwards).

- the draft edition on day 1 of every second month (January, March, ...): it covers the
  two months just ended and the editors get a mail;
- every minute: scheduled editions whose time has come start, stalled sending resumes;
- every night: unconfirmed subscriptions older than NEWSLETTER_CONFIRM_DAYS are purged.
"""
from django.db import migrations

TASKS = {
    "newsletter: bozza bimestrale": ("newsletter.build_edition", {
        "minute": "0", "hour": "7", "day_of_month": "1", "month_of_year": "1,3,5,7,9,11", "day_of_week": "*",
    }),
    "newsletter: cancella iscrizioni non confermate": ("newsletter.purge_unconfirmed", {
        "minute": "30", "hour": "3", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*",
    }),
}


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, cron) in TASKS.items():
        schedule, _ = CrontabSchedule.objects.get_or_create(timezone="Europe/Rome", **cron)
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "interval": None, "enabled": True}
        )
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name="newsletter: invii programmati e ripresa",
        defaults={"task": "newsletter.tick", "interval": every_minute, "crontab": None, "enabled": True},
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__startswith="newsletter.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0003_edition_editors_notified_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
