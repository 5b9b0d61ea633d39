"""Signal handlers that write the search outbox inside the transaction of the change.

What reaches the index: page saves (publish, unpublish, revert, scheduled go-live
and expiry all save the page row), publish/unpublish signals, page deletion, moves
and slug changes (a changed url_path enqueues the subtree), privacy changes (view restrictions on a page
or an ancestor), edits of taxonomy names shown in documents (Zona, Topic, a related
norm's identifiers) and replaced attachment files. Each handler only records page
ids; the outbox decides what the index must hold when it applies them.

``register_signal_handlers`` (called by ``SearchConfig.ready``) connects each handler to
the models it reacts to, as Wagtail's ``search.signal_handlers`` does, so that the saves
of every other model (users, revisions, log entries, the outbox itself...) never run them.
"""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
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


def page_before_save(sender, instance, raw=False, **kwargs):
    """Remember the URL path: a slug change or a move changes the URLs of the whole subtree."""
    if raw or not instance.pk or not is_configured():
        return
    instance._search_old_url_path = Page.objects.filter(pk=instance.pk).values_list("url_path", flat=True).first()


def page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    """Any page type: a slug change or move of a section (an index page) changes the URLs below it;
    the row's content type says whether the page itself is indexed (a save through ``Page``
    is sent by ``Page``, whatever the page's type)."""
    if raw or not is_configured():
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


def published(sender, instance, **kwargs):
    if _is_indexed(instance):
        outbox.record([instance.pk], OutboxEntry.Action.UPSERT, "publish")


def unpublished(sender, instance, **kwargs):
    if _is_indexed(instance):
        outbox.record([instance.pk], OutboxEntry.Action.DELETE, "unpublish")


def page_deleted(sender, instance, **kwargs):
    """Connected to the indexed page types only: deleting a page also deletes its ``Page`` row,
    whose own post_delete (sender ``Page``) would record the same page twice."""
    if _is_indexed(instance):
        outbox.record([instance.pk], OutboxEntry.Action.DELETE, "delete")


def page_moved(sender, instance, **kwargs):
    """Sent by Wagtail after the move has committed: a second, late row (the move itself
    was already recorded in its transaction by the url_path check of ``page_saved``).
    Connected without a sender: only pages send post_page_move, and a move of any page
    type (a section too) moves the indexed pages below it."""
    if is_configured():
        from cms.visibility import aliases_covered_with

        for moved in [instance, *aliases_covered_with(instance)]:  # into or out of a restricted section
            enqueue.enqueue_subtree(moved, "move")


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


def taxonomy_before_save(sender, instance, raw=False, **kwargs):
    if raw or not is_configured() or not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values(*[f for f in TAXONOMY_FIELDS if hasattr(instance, f)]).first()
    instance._search_old_values = old


def taxonomy_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not is_configured():
        return
    old = getattr(instance, "_search_old_values", None)
    if old is not None and all(getattr(instance, f) == v for f, v in old.items()):
        return
    ids = enqueue.pages_referencing(sender._meta.label_lower, instance.pk)
    outbox.record(ids, OutboxEntry.Action.UPSERT, f"{sender._meta.model_name}")


def taxonomy_deleted(sender, instance, **kwargs):
    if not is_configured():
        return
    ids = enqueue.pages_referencing(sender._meta.label_lower, instance.pk)
    outbox.record(ids, OutboxEntry.Action.UPSERT, f"{sender._meta.model_name}")


# --- attachments --------------------------------------------------------------------------
def _document_model():
    from wagtail.documents import get_document_model

    return get_document_model()


def document_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not is_configured():
        return
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(instance).filter(base_content_type=page_type).values_list("object_id", flat=True)
    outbox.record([int(i) for i in ids if str(i).isdigit()], OutboxEntry.Action.UPSERT, "document")


# --- synonyms -----------------------------------------------------------------------------------
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


# --- wiring -------------------------------------------------------------------------------------
def register_signal_handlers() -> None:
    """Connect each handler to the senders it reacts to (the models are loaded: called from ``ready``)."""
    from wagtail.models import get_page_models

    for model in get_page_models():  # Page itself and every page type, indexed or not
        pre_save.connect(page_before_save, sender=model)
        post_save.connect(page_saved, sender=model)
    for model in indexed_models():  # sent with the page's specific class (the deletion of its row too)
        page_published.connect(published, sender=model)
        page_unpublished.connect(unpublished, sender=model)
        post_delete.connect(page_deleted, sender=model)
    post_page_move.connect(page_moved)
    for signal in (post_save, post_delete):
        signal.connect(privacy_changed, sender=PageViewRestriction)
        signal.connect(synonyms_changed, sender=SynonymRule)
    for model in _taxonomy_models():
        pre_save.connect(taxonomy_before_save, sender=model)
        post_save.connect(taxonomy_saved, sender=model)
        pre_delete.connect(taxonomy_deleted, sender=model)
    post_save.connect(document_saved, sender=_document_model())
