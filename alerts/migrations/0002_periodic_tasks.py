"""Beat schedule of the alerts: saved searches on the database every 15 minutes, digests daily and on Mondays."""
import json

from django.db import migrations

INTERVAL_TASKS = [("alerts: saved searches on the database", "alerts.run_saved_searches", 15, "minutes")]
CRONTAB_TASKS = [
    # (name, task, args, day_of_week): at 7:00 Rome time
    ("alerts: daily digests", "alerts.send_digests", ["daily"], "*"),
    ("alerts: weekly digests", "alerts.send_digests", ["weekly"], "1"),
]


def create_tasks(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in INTERVAL_TASKS:
        schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": schedule, "enabled": True, "queue": None})
    for name, task, args, day_of_week in CRONTAB_TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour="7", day_of_week=day_of_week, day_of_month="*", month_of_year="*", timezone="Europe/Rome")
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "args": json.dumps(args), "enabled": True,
                                 "queue": None})


def remove_tasks(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [t[0] for t in INTERVAL_TASKS] + [t[0] for t in CRONTAB_TASKS]
    PeriodicTask.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_alerts_and_their_matches"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_tasks, remove_tasks)]
