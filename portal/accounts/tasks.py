"""Background work of the accounts concern (Celery)."""
from celery import shared_task


@shared_task(name="accounts.send_seminar_reminders")
def send_seminar_reminders() -> int:
    """Run by Celery beat (hourly in the day, see migration 0006): safe to run any number of times."""
    from portal.accounts.reminders import send_due_reminders

    return send_due_reminders()
