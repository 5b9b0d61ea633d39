"""Admin URLs of the newsletter that other modules (mails, tasks) link to."""
from django.urls import reverse


def edition_edit_url(edition) -> str:
    return reverse("newsletter_edition:edit", args=[edition.pk])


def edition_manage_url(edition) -> str:
    return reverse("newsletter_edition:manage", args=[edition.pk])
