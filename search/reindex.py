"""Zero-downtime rebuild of the index (``manage.py search_reindex``, ``search.reindex`` task).

1. create a new versioned index (synonyms pushed first) and add it to the write alias:
   from now on the outbox writes every change to the old *and* the new index;
2. bulk-load every indexable page from the database into the new index;
3. under the applier lock (no outbox batch runs meanwhile): apply pending rows, then
   re-sync into the new index every page touched since step 1, since the bulk load may
   have read a page just before a change was applied;
4. still under the lock: point the read and write aliases at the new index in one
   atomic alias update;
5. delete the previous versions.
Searches use the read alias, which always names one complete index.
"""
from __future__ import annotations

import dataclasses
import logging
import time

from django.db.models import Max, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

LOAD_CHUNK = 200


@dataclasses.dataclass
class ReindexReport:
    index: str = ""
    previous: list = dataclasses.field(default_factory=list)
    loaded: int = 0
    skipped: int = 0
    errors: int = 0
    caught_up: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _bulk_load(index, name: str, progress=None) -> tuple[int, int, int]:
    from search.sources import document_for, indexable_pages

    loaded = skipped = errors = 0
    queryset = indexable_pages().order_by("pk").specific(defer=False)
    total = queryset.count()
    bar = progress(total) if progress else None
    operations: list[dict] = []

    def flush():
        nonlocal errors
        if not operations:
            return
        response = index.client.bulk(operations=operations)
        if response.get("errors"):
            for item in response["items"]:
                result = next(iter(item.values()))
                if result.get("status", 500) >= 300:
                    errors += 1
                    logger.error("reindex: page %s: %s", result.get("_id"), result.get("error"))
        operations.clear()

    for page in queryset.iterator(chunk_size=LOAD_CHUNK):
        try:
            document = document_for(page)
        except Exception:
            logger.exception("reindex: cannot build the document of page %s", page.pk)
            document = None
            errors += 1
        if document is None:
            skipped += 1
        else:
            operations.extend([{"index": {"_index": name, "_id": str(page.pk)}}, document])
            loaded += 1
        if len(operations) >= 2 * LOAD_CHUNK:
            flush()
        if bar is not None:
            bar.update(1)
    flush()
    if bar is not None:
        bar.close()
    return loaded, skipped, errors


def rebuild(progress=None, keep_old: bool = False) -> ReindexReport:
    """Build a new version of the index and switch to it. ``progress(total)`` returns a tqdm-like bar."""
    from search.documents import VersionedIndex
    from search.models import OutboxEntry
    from search.outbox import applier_lock, apply_pending, sync_pages
    from search.synonyms import analysis_options

    began = time.monotonic()
    index = VersionedIndex()
    report = ReindexReport(previous=index.all_versions())
    started_at = timezone.now()
    marker = OutboxEntry.objects.aggregate(m=Max("id"))["m"] or 0

    options, meta = analysis_options(index.client, index.prefix)
    name = index.create(synonyms=options, meta=meta)
    report.index = name
    try:
        index.client.indices.put_settings(index=name, settings={"index": {"refresh_interval": "-1"}})
        index.add_writes(name)
        report.loaded, report.skipped, report.errors = _bulk_load(index, name, progress)
        index.client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})

        apply_pending()  # outside the lock: the bulk of what happened meanwhile
        with applier_lock():
            touched = list(
                OutboxEntry.objects.filter(
                    Q(id__gt=marker) | Q(processed_at__isnull=True) | Q(processed_at__gte=started_at)
                ).values_list("page_id", flat=True).distinct()
            )
            if touched:
                outcome = sync_pages(touched, indices=[name], index=index)
                report.caught_up = len(touched)
                # a page that cannot be written keeps its pending row: the drain retries it
                report.errors += sum(1 for error in outcome.values() if error)
            index.client.indices.refresh(index=name)
            index.switch_to(name)
    except (Exception, KeyboardInterrupt):
        # The old index keeps serving; the half-built one goes away.
        try:
            index.client.indices.update_aliases(actions=[{"remove": {"index": name, "alias": index.write_alias}}])
        except Exception:
            pass
        index.delete(name)
        raise
    if not keep_old:
        index.delete_unaliased(keep=name)
    report.seconds = round(time.monotonic() - began, 2)
    logger.info("search: reindexed into %s (%s)", name, report.as_dict())
    return report
