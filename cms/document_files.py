"""Every document carries its file's size and hash, however it was made.

Wagtail's admin form fills them (``_set_document_file_metadata``), but a document made in
code (the demo, the practice moderation, generate_content, tests) kept an empty
``file_hash``, and the serve view sends the hash as the ETag: ``ETag: ""`` made every such
document look like every other to a browser or proxy cache. So the hash is filled on every
save that lacks it, and a row saved before (or by a bulk update) is hashed when first served.
"""
from __future__ import annotations

import logging

from django.db.models.signals import pre_save
from wagtail import hooks

logger = logging.getLogger(__name__)


def fill_file_metadata(document) -> None:
    """Set the size and hash of the document's file where they are missing (Wagtail's own hashing)."""
    if not document.file:
        return
    try:
        if document.file_size is None:
            document.file_size = document.file.size
        if not document.file_hash:
            document._set_file_hash()
    except OSError as exc:  # a missing file: the document is still saved, and served as a 404
        logger.warning("no hash for document %s (%s): %s", document.pk, document.file.name, exc)


def _before_save(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures carry their own figures
        fill_file_metadata(instance)


@hooks.register("before_serve_document")
def hash_before_serving(document, request):
    """A row without its hash gets it (and keeps it) before the view turns the hash into the ETag."""
    if not document.file_hash:
        fill_file_metadata(document)
        if document.file_hash:
            type(document).objects.filter(pk=document.pk).update(file_hash=document.file_hash)


def connect() -> None:
    from wagtail.documents import get_document_model

    pre_save.connect(_before_save, sender=get_document_model(), dispatch_uid="cms.document_files")
