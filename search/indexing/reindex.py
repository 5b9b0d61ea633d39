"""Zero-downtime rebuild of the index (``manage.py search_reindex``, ``search.reindex`` task),
and what an edit of the synonym rules runs: a reload in place, or this rebuild.

0. take one version ``S0`` of the write clock (``next_version``, under the applier lock)
   before any page is read: the bulk load writes every document with it;
1. create a new versioned index (synonyms pushed first) and add it to the write alias:
   from now on the outbox writes every change to the old *and* the new index (this runs
   in the bulk sender's thread while the first pages are read; whatever the outbox applied
   before it is caught up in step 3);
2. bulk-load every indexable page from the database into the new index, at version ``S0``:
   a document the outbox has meanwhile written (a later version, a state read later) is
   refused (409) and keeps the outbox's state; counted in ``superseded``, not an error;
3. under the applier lock (no outbox batch runs meanwhile): apply pending rows, then
   re-sync into the new index every page touched since step 1, since the bulk load may
   have read a page just before a change was applied;
4. still under the lock: point the read and write aliases at the new index in one
   atomic alias update;
5. delete the previous versions.
Searches use the read alias, which always names one complete index.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import time

from django.db.models import Max, Q
from django.utils import timezone

from search.corpus import indexable_pages
from search.engine.client import for_cluster_changes, get_client
from search.engine.versions import VersionedIndex
from search.indexing.documents import BuildContext, build_documents
from search.indexing.outbox import applier_lock, apply_pending, next_version, sync_pages
from search.indexing.synonyms import MODE_INLINE, analysis_options, api_available, push_set
from search.models import OutboxEntry

logger = logging.getLogger(__name__)

LOAD_CHUNK = 500  # documents per bulk request (the raw baseline of bench/reindex.py uses it too)
BUILD_BATCH = 500  # pages whose documents are built together (relations prefetched per batch)
SEND_QUEUE = 4  # bulk requests built ahead of Elasticsearch at most


@dataclasses.dataclass
class ReindexReport:
    index: str = ""
    previous: list = dataclasses.field(default_factory=list)
    loaded: int = 0
    skipped: int = 0
    errors: int = 0
    superseded: int = 0  # bulk-load documents refused: the outbox had written a newer state
    caught_up: int = 0
    seconds: float = 0.0
    phases: dict = dataclasses.field(default_factory=dict)  # phase -> seconds, in order

    def phase(self, name: str, since: float) -> float:
        """Record the seconds spent in ``name`` since ``since``; returns now."""
        now = time.monotonic()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - since, 3)
        return now

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _bulk_load(index, name: str, progress=None, report: ReindexReport | None = None,
               prepare=None, version: int | None = None) -> tuple[int, int, int]:
    """Load every indexable page into ``name``: (loaded, skipped, errors).

    With ``version`` (``S0`` of ``rebuild``, taken before the first page is read), every
    document is written with that external version: one the outbox wrote meanwhile, with a
    later version, is refused and counted in ``report.superseded``. Without it (a throwaway
    index of the bench), plain writes.

    Pages are read and their documents built a batch at a time (``build_documents``:
    a few queries per batch and page type), while a second thread sends the previous
    chunks to Elasticsearch, so building and indexing overlap. ``prepare()`` (creating the
    index) runs first in that thread, while the first batch is being built.
    """
    loaded = skipped = errors = 0
    report = report if report is not None else ReindexReport()
    mark = time.monotonic()
    pages = indexable_pages()
    total = pages.count()
    mark = report.phase("count", mark)
    bar = progress(total) if progress else None
    context = BuildContext()
    sender = _Sender(index, name, prepare)
    header = {"_index": name}
    if version is not None:
        header.update(version=version, version_type="external")
    operations: list[dict] = []

    def build(batch):
        nonlocal loaded, skipped, errors
        for page, document, error in build_documents(batch, context):
            if error is not None:
                logger.error("reindex: cannot build the document of page %s", page.pk, exc_info=error)
                errors += 1
            elif document is None:
                skipped += 1
            else:
                operations.extend([{"index": {**header, "_id": str(page.pk)}}, document])
                loaded += 1
            if len(operations) >= 2 * LOAD_CHUNK:
                sender.send(operations[:])
                operations.clear()
        if bar is not None:
            bar.update(len(batch))

    try:
        with _fewer_collections():
            for queryset in _specific_querysets(pages):
                batch = []
                for page in queryset.iterator(chunk_size=BUILD_BATCH):
                    batch.append(page)
                    if len(batch) >= BUILD_BATCH:
                        build(batch)
                        batch = []
                if batch:
                    build(batch)
        if operations:
            sender.send(operations[:])
        mark = report.phase("build", mark)
    finally:
        errors += sender.close()
        report.superseded += sender.superseded
        report.phase("bulk_wait", mark)
        if bar is not None:
            bar.close()
    return loaded, skipped, errors


@contextlib.contextmanager
def _fewer_collections():
    """Let the cycle collector run less often while building (restored after).

    Building creates and drops many short-lived objects (model instances, querysets):
    with the default threshold the collector runs every 700 allocations and its full
    passes walk every object of the process (the whole of Django and Wagtail). The
    objects alive before the load are set apart (``gc.freeze``) and the young
    generation collected every 50,000 allocations: cycles are still collected.
    """
    import gc

    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _specific_querysets(pages):
    """The specific pages of ``pages``, one queryset per page type (what ``.specific()`` yields).

    Reading each type's table directly (the page ids in a subquery) saves what
    ``.specific()`` does per chunk: a query on the base table, one per type with the
    ids of the chunk listed, and a base Page object per page.
    """
    from django.contrib.contenttypes.models import ContentType

    type_ids = sorted(set(pages.values_list("content_type_id", flat=True).order_by()))
    for type_id in type_ids:
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:  # a type whose model is gone: what .specific() would give, a base page
            from wagtail.models import Page

            model = Page
        yield model.objects.filter(pk__in=pages.filter(content_type_id=type_id).values("pk")).order_by("pk")


class _Sender:
    """Sends bulk requests from a thread of its own, a few requests behind the builder at most.

    An error talking to Elasticsearch stops the load: it is raised in the builder's thread
    at the next ``send`` or at ``close``. Per-document failures are logged and counted; a
    version conflict (409) is not a failure: the outbox wrote a newer state of the page.
    """

    def __init__(self, index, name: str, prepare=None):
        import queue
        import threading

        self.index = index
        self.name = name
        self.prepare = prepare
        self.errors = 0
        self.superseded = 0
        self.failure: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=SEND_QUEUE)
        self.thread = threading.Thread(target=self._run, name="reindex-bulk", daemon=True)
        self.thread.start()

    def _run(self):
        if self.prepare is not None:
            try:
                self.prepare()
            except BaseException as exc:  # noqa: BLE001 - handed over to the builder's thread
                self.failure = exc
        while True:
            operations = self.queue.get()
            if operations is None:
                return
            if self.failure is not None:
                continue  # drain what is queued; the builder stops at its next send
            try:
                self._bulk(operations)
            except BaseException as exc:  # noqa: BLE001 - handed over to the builder's thread
                self.failure = exc

    def _bulk(self, operations):
        response = self.index.client.bulk(operations=operations)
        if response.get("errors"):
            for item in response["items"]:
                result = next(iter(item.values()))
                status = result.get("status", 500)
                if status == 409:  # version_conflict_engine_exception: a newer write is there
                    self.superseded += 1
                elif status >= 300:
                    self.errors += 1
                    logger.error("reindex: page %s: %s", result.get("_id"), result.get("error"))

    def send(self, operations: list[dict]) -> None:
        if self.failure is not None:
            raise self.failure
        self.queue.put(operations)

    def close(self) -> int:
        """Wait for every queued request; the number of documents Elasticsearch refused."""
        self.queue.put(None)
        self.thread.join()
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        return self.errors


def rebuild(progress=None, keep_old: bool = False) -> ReindexReport:
    """Build a new version of the index and switch to it. ``progress(total)`` returns a tqdm-like bar."""
    began = mark = time.monotonic()
    index = VersionedIndex()
    report = ReindexReport(previous=index.all_versions())
    started_at = timezone.now()
    marker = OutboxEntry.objects.aggregate(m=Max("id"))["m"] or 0
    with applier_lock():  # before any page is read: every later outbox write takes a larger one
        loaded_version = next_version()
    mark = report.phase("start", mark)

    options, meta = analysis_options(index.client, index.prefix)
    mark = report.phase("synonyms", mark)
    name = report.index = index.new_name()

    def prepare():
        """In the sender's thread, while the first pages are read and built."""
        began = time.monotonic()
        # Created without refreshes and replicas for the load; both restored before the switch.
        index.create(name, synonyms=options, meta=meta, loading=True)
        index.add_writes(name)
        report.phase("create (during build)", began)

    try:
        report.loaded, report.skipped, report.errors = _bulk_load(index, name, progress, report, prepare,
                                                                        version=loaded_version)
        mark = time.monotonic()
        index.loaded(name)
        mark = report.phase("restore_settings", mark)

        apply_pending()  # outside the lock: the bulk of what happened meanwhile
        mark = report.phase("apply_pending", mark)
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
            mark = report.phase("catch_up", mark)
            index.client.indices.refresh(index=name)
            mark = report.phase("refresh", mark)
            index.switch_to(name)
            mark = report.phase("switch", mark)
    except (Exception, KeyboardInterrupt):
        # The old index keeps serving; the half-built one goes away.
        try:
            for_cluster_changes(index.client).indices.update_aliases(actions=[{"remove": {"index": name, "alias": index.write_alias}}])
        except Exception:
            pass
        index.delete(name)
        raise
    if not keep_old:
        index.delete_unaliased(keep=name)
        mark = report.phase("delete_old", mark)
    report.seconds = round(time.monotonic() - began, 2)
    logger.info("search: reindexed into %s (%s)", name, report.as_dict())
    return report


def apply_rule_change() -> str:
    """After an edit of the synonym rules: reload in place, or rebuild the index when the rules
    are written into it (a node without the synonyms API). Returns what ran."""
    client = get_client()
    index = VersionedIndex(client)
    current = index.read_indices()
    mode = index.meta(current[0]).get("synonyms_mode") if current else None
    if mode == MODE_INLINE or (mode is None and not api_available(client)):
        if not current:
            return "none"
        rebuild()
        return "reindex"
    push_set(client)
    return "reload"
