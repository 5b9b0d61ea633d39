"""Which pages to re-check: one page, many, a subtree, the pages that show a taxonomy or a norm.

Everything goes through the outbox, in the caller's transaction. Other apps reach
``enqueue`` (``search.indexing.enqueue.enqueue``); the signal handlers use the rest.
"""
from __future__ import annotations

from django.db.models import ForeignKey, ManyToManyField
from wagtail.models import Page

from search.corpus import indexed_models
from search.indexing import outbox
from search.models import OutboxEntry


def enqueue(page, reason: str = "api") -> int:
    """Re-check one page (a Page, a specific page or a page id) once the transaction commits."""
    page_id = page if isinstance(page, int) else page.pk
    return outbox.record([page_id], OutboxEntry.Action.UPSERT, reason)


def enqueue_many(page_ids, reason: str = "api", action: str = OutboxEntry.Action.UPSERT) -> int:
    return outbox.record(page_ids, action, reason)


def enqueue_subtree(page, reason: str, inclusive: bool = True) -> int:
    """A page and everything below it (moves, privacy changes, slug changes)."""
    queryset = Page.objects.descendant_of(page, inclusive=inclusive).type(*indexed_models())
    return outbox.record(queryset.values_list("pk", flat=True), OutboxEntry.Action.UPSERT, reason)


def pages_referencing(model_name: str, pk: int) -> list[int]:
    """Ids of indexed pages that show a Zona, Topic or NormPage in their documents: those pointing
    at it, and those their page type says show it anyway (``pages_showing``: a region-wide practice
    shows every zona)."""
    ids: list[int] = []
    for model in indexed_models():
        showing = getattr(model, "pages_showing", None)
        if showing is not None:
            ids.extend(showing(model_name, pk))
        for field in model._meta.get_fields():
            if not isinstance(field, (ForeignKey, ManyToManyField)) or field.auto_created:
                continue
            related = field.related_model
            if related is None or related._meta.label_lower != model_name:
                continue
            ids.extend(model.objects.filter(**{field.name: pk}).values_list("pk", flat=True))
    return list(dict.fromkeys(ids))
