"""Celery tasks of the cms app (names are stable: the beat schedule refers to them)."""
from __future__ import annotations

import io

from celery import shared_task


@shared_task(name="cms.publish_scheduled", ignore_result=True)
def publish_scheduled() -> str:
    """Every minute (beat): publish what editors scheduled and unpublish what expired.

    Wagtail keeps "go live at" and "expire at" in the revisions and acts on them only when
    its ``publish_scheduled`` command runs; this is that command, run by beat. Publishing
    goes through Wagtail's own publish, so the search outbox and the caches follow as for
    a publish by hand.
    """
    from django.core.management import call_command

    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()
