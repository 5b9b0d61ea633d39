"""Signal handlers that write the search outbox inside the transaction of the change.

What reaches the index: page saves (publish, unpublish, revert, scheduled go-live
and expiry all save the page row), publish/unpublish signals, page deletion, moves
and slug changes (a changed url_path enqueues the subtree), privacy changes (view restrictions on a page
or an ancestor), edits of taxonomy names shown in documents (Zona, Topic, a related
norm's identifiers) and replaced attachment files. Each handler only records page
ids; the outbox decides what the index must hold when it applies them.
"""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from search.corpus import indexed_models
from search.engine.client import is_configured
from search.indexing import enqueue, outbox
from search.models import OutboxEntry, SynonymRule
from search.tasks import push_synonyms

# Saves that only touch draft bookkeeping: the page row's content (the live version) is unchanged.
DRAFT_ONLY_FIELDS = {
    "latest_revision", "latest_revision_created_at", "draft_title", "has_unpublished_changes",
    "wagtail_admin_comments", "locked", "locked_at", "locked_by",
}
TAXONOMY_FIELDS = ("name", "slug", "azienda_usl")


def _indexed_content_type_ids() -> set[int]:
    from django.contrib.contenttypes.models import ContentType

    return {ct.pk for ct in ContentType.objects.get_for_models(*indexed_models()).values()}


def _is_indexed(page) -> bool:
    return page.content_type_id in _indexed_content_type_ids()


@receiver(pre_save)
def page_before_save(sender, instance, raw=False, **kwargs):
    """Remember the URL path: a slug change or a move changes the URLs of the whole subtree."""
    if raw or not isinstance(instance, Page) or not instance.pk or not is_configured():
        return
    instance._search_old_url_path = Page.objects.filter(pk=instance.pk).values_list("url_path", flat=True).first()


@receiver(post_save)
def page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or not isinstance(instance, Page) or not is_configured():
        return
    old_url_path = getattr(instance, "_search_old_url_path", None)
    if old_url_path and old_url_path != instance.url_path:
        # descendants' url_path are rewritten right after this save, in the same transaction
        enqueue.enqueue_subtree(instance, "url", inclusive=False)
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    if _is_indexed(instance):
        outbox.record([instance.pk], OutboxEntry.Action.UPSERT, "save")
    if instance.content_type_id == _norm_content_type_id():
        # pages citing this act show its identifiers
        outbox.record(enqueue.pages_referencing("cms.normpage", instance.pk), OutboxEntry.Action.UPSERT, "norm")


def _norm_content_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    from cms.models import NormPage

    return ContentType.objects.get_for_model(NormPage).pk


@receiver(page_published)
def published(sender, instance, **kwargs):
    if _is_indexed(instance):
        outbox.record([instance.pk], OutboxEntry.Action.UPSERT, "publish")


@receiver(page_unpublished)
def unpublished(sender, instance, **kwargs):
    if _is_indexed(instance):
        outbox.record([instance.pk], OutboxEntry.Action.DELETE, "unpublish")


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) is not Page and _is_indexed(instance):
        outbox.record([instance.pk], OutboxEntry.Action.DELETE, "delete")


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    """Sent by Wagtail after the move has committed: a second, late row (the move itself
    was already recorded in its transaction by the url_path check of ``page_saved``)."""
    if is_configured():
        from cms.visibility import aliases_covered_with

        for moved in [instance, *aliases_covered_with(instance)]:  # into or out of a restricted section
            enqueue.enqueue_subtree(moved, "move")


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def privacy_changed(sender, instance, **kwargs):
    if not is_configured():
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        from cms.visibility import aliases_covered_with

        for covered in [page, *aliases_covered_with(page)]:  # an alias elsewhere shows the same content
            enqueue.enqueue_subtree(covered, "privacy")


# --- taxonomies shown in documents ----------------------------------------------------------
def _taxonomy_models():
    from cms.models import Topic, Zona

    return (Zona, Topic)


@receiver(pre_save)
def taxonomy_before_save(sender, instance, raw=False, **kwargs):
    if raw or not is_configured() or sender not in _taxonomy_models() or not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values(*[f for f in TAXONOMY_FIELDS if hasattr(instance, f)]).first()
    instance._search_old_values = old


@receiver(post_save)
def taxonomy_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not is_configured() or sender not in _taxonomy_models():
        return
    old = getattr(instance, "_search_old_values", None)
    if old is not None and all(getattr(instance, f) == v for f, v in old.items()):
        return
    ids = enqueue.pages_referencing(sender._meta.label_lower, instance.pk)
    outbox.record(ids, OutboxEntry.Action.UPSERT, f"{sender._meta.model_name}")


@receiver(pre_delete)
def taxonomy_deleted(sender, instance, **kwargs):
    if not is_configured() or sender not in _taxonomy_models():
        return
    ids = enqueue.pages_referencing(sender._meta.label_lower, instance.pk)
    outbox.record(ids, OutboxEntry.Action.UPSERT, f"{sender._meta.model_name}")


# --- attachments --------------------------------------------------------------------------
def _document_model():
    from wagtail.documents import get_document_model

    return get_document_model()


@receiver(post_save)
def document_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not is_configured() or sender is not _document_model():
        return
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(instance).filter(base_content_type=page_type).values_list("object_id", flat=True)
    outbox.record([int(i) for i in ids if str(i).isdigit()], OutboxEntry.Action.UPSERT, "document")


# --- synonyms -----------------------------------------------------------------------------------
@receiver(post_save, sender=SynonymRule)
@receiver(post_delete, sender=SynonymRule)
def synonyms_changed(sender, instance, **kwargs):
    from django.db import transaction

    if not is_configured():
        return

    def push():
        try:
            push_synonyms.delay()
        except Exception:  # broker down: the periodic drain notices the set is stale and pushes it
            import logging

            logging.getLogger(__name__).warning("search: could not queue push_synonyms", exc_info=True)

    transaction.on_commit(push)
