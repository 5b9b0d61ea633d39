"""The reminder the day before a seminar: each confirmed registration gets exactly one."""
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Registration, RegistrationStatus
from portal.mail import queue_mail


def due_registrations(now=None):
    """Confirmed, not yet reminded, for live seminars starting tomorrow (local time)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start_min = timezone.make_aware(datetime.combine(tomorrow, time.min))
    start_max = start_min + timedelta(days=1)
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        seminar__live=True,
        seminar__start__gte=start_min,
        seminar__start__lt=start_max,
    )


def send_due_reminders(now=None) -> int:
    """Claim each due registration (an UPDATE that only one run can win), then queue its mail."""
    now = now or timezone.now()
    sent = 0
    for registration in due_registrations(now).select_related("user", "seminar"):
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                context = {"seminar": registration.seminar, "user": registration.user}
                queue_mail(registration.user.email, "accounts/email/registration_reminder", context)
                sent += 1
    return sent
