"""The indexing outbox: rows written with the change, applied to Elasticsearch after commit.

Writing: ``record()`` adds one row per page *in the caller's transaction* (signal
handlers run inside the transaction that saves or deletes the page), and asks for
the ``search.apply_outbox`` task once that transaction commits. If the broker is
down the request still succeeds; the periodic drain picks the rows up later.

Applying: ``apply_pending()`` takes pending rows in id order, reads the *current*
state of each page from the database and upserts or deletes its document by page
id, in bulk. That makes rows idempotent and lets the latest state win whatever the
order of the rows. Batches run under one lock (a PostgreSQL advisory lock; a
process-local lock on SQLite) so two workers never write an older state after a
newer one. A row whose page could not be written stays pending with ``attempts``
incremented and the error kept; nothing is ever dropped.

Writes are at least once: the elasticsearch-py transport retries a request on another
node when the one it used fails (``max_retries`` = nodes - 1), and a bulk request the
failed node had already handed to a replica is then carried out twice. So every write
carries an *external version* (``version_type="external"``): ``next_version()`` of the
write clock (``IndexWriteClock``), taken under the applier lock before the pages are
read, ``max(last + 1, microseconds since the epoch)``. Versions are in the order the
writes are made, not the order of row ids (rows do not commit in id order), and above
the small internal versions of documents written before; ``last + 1`` keeps them
increasing if the clock steps back. Elasticsearch refuses (409) a write whose version
the document already has: this very request, carried out before. The applier counts
that as done (``ApplyReport.already_applied``, a warning line) and its rows are marked
applied with that version (``OutboxEntry.index_version``). The reindex's bulk load
writes at a version taken before it reads any page, so a document the outbox wrote
meanwhile keeps the outbox's newer state (``search.indexing.reindex``).
The clock is a row of the lock's transaction: if a batch rolls back after its writes
reached the index (an unexpected error), the clock's update is rolled back with it. The
next version is still larger in this process (it remembers the last one it gave) and in
any other whose clock is not behind that version. A host whose clock is behind could take
a smaller one: Elasticsearch refuses that write too, but its 409 names a current version
*above* the one sent, which no retry can give; then the rows stay pending with the error
and the clock is moved past that version, so the next attempt writes the page.

Without Elasticsearch configured no rows are written at all: there is nothing to
keep in step, and ``manage.py search_reindex`` builds the index from the database
when Elasticsearch is added later.

After each batch, ``documents_applied`` is sent with the documents just written (upserts
only, outside the lock): other apps (the saved searches of ``alerts/``) read what changed
from there instead of reaching into the outbox. An upsert refused as already applied is
announced too, once: its first answer was lost with the node, so it was never announced;
a second copy of a request cannot succeed, so no write is announced twice. Receivers'
errors are logged, never raised: a failing listener must not leave rows pending.
"""
from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.db import connection, transaction
from django.dispatch import Signal
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from search.engine.client import is_configured, mark_unavailable
from search.engine.versions import VersionedIndex
from search.indexing.documents import BuildContext, build_documents, specific_pages
from search.indexing.synonyms import analysis_options
from search.models import IndexWriteClock, OutboxEntry

logger = logging.getLogger(__name__)

LOCK_KEY = 0x5EA4C4_0B0C  # pg_advisory_xact_lock key of the applier
BATCH_SIZE = 200
BULK_CHUNK = 500
KEEP_PROCESSED = timedelta(days=7)
APPLY_TASK = "search.apply_outbox"
_local_lock = threading.RLock()
_held = threading.local()  # depth of applier_lock() in this thread (next_version checks it)
_last_version = 0  # the last version this process gave (module docstring: a rolled-back clock)

# sent with documents=[(page_id, document), ...] after each applied batch (module docstring)
documents_applied = Signal()


# --- writing ------------------------------------------------------------------------------
def record(page_ids, action: str = OutboxEntry.Action.UPSERT, reason: str = "") -> int:
    """Add outbox rows for these pages in the current transaction; returns how many."""
    if not is_configured():
        return 0
    ids = list(dict.fromkeys(int(pk) for pk in page_ids if pk))
    if not ids:
        return 0
    OutboxEntry.objects.bulk_create(
        [OutboxEntry(page_id=pk, action=action, reason=reason[:40]) for pk in ids]
    )
    schedule_apply()
    return len(ids)


def _send_apply() -> None:
    # By its registered name (as the beat schedule does): the task lives in search.tasks,
    # above this layer, and search.apps imports it at start-up.
    try:
        current_app.tasks[APPLY_TASK].delay()
    except Exception as exc:  # broker down: the periodic drain applies the rows later
        logger.warning("search outbox: could not queue apply_outbox (%s); rows stay pending", exc)


def schedule_apply() -> None:
    """Queue one apply task after the current transaction commits (once per transaction)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _send_apply()
        return
    try:
        if any(callback is _send_apply for _sids, callback, _robust in conn.run_on_commit):
            return
    except (AttributeError, ValueError):
        pass
    transaction.on_commit(_send_apply)


# --- applying -----------------------------------------------------------------------------
@contextmanager
def applier_lock():
    """Serialise index writers (outbox batches, reindex catch-up) across processes."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '120s'")
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            with _holding():
                yield
        else:
            with _local_lock, _holding():
                yield


@contextmanager
def _holding():
    _held.depth = getattr(_held, "depth", 0) + 1
    try:
        yield
    finally:
        _held.depth -= 1


def next_version() -> int:
    """The external version of the next index write: larger than every version given before,
    and at least the microsecond clock (module docstring). Only under ``applier_lock()``: the
    writer that takes a version must also be the one to write with it before anyone takes a
    larger one, or a larger version could reach the index first and refuse this write."""
    if not getattr(_held, "depth", 0):
        raise RuntimeError("next_version() outside applier_lock()")
    global _last_version
    floor = max(time.time_ns() // 1000, _last_version + 1)
    # In the lock's transaction: on PostgreSQL the update also locks the row until the commit.
    if not IndexWriteClock.objects.filter(pk=1).update(value=Greatest(F("value") + 1, Value(floor))):
        IndexWriteClock.objects.create(pk=1, value=floor)  # first use (the lock admits one writer)
    _last_version = IndexWriteClock.objects.values_list("value", flat=True).get(pk=1)
    return _last_version


class IndexUnavailable(Exception):
    """Elasticsearch did not answer (connection refused, timeout, 5xx)."""


def ensure_index(index) -> list[str]:
    """The indices writes go to; creates the first version (and the synonyms set) if none."""
    targets = index.write_indices()
    if targets:
        return targets
    options, meta = analysis_options(index.client, index.prefix)
    name = index.create(synonyms=options, meta=meta)
    index.switch_to(name)
    logger.info("search: created index %s", name)
    return [name]


def _documents(page_ids, pages, context) -> dict:
    """page id -> (document or None, error or None), built together."""
    present = [pages[pid] for pid in page_ids if pid in pages]
    out = {pid: (None, None) for pid in page_ids}
    out.update({page.pk: (document, error) for page, document, error in build_documents(present, context)})
    return out


def sync_pages(page_ids, *, indices: list[str] | None = None, index=None, written: list | None = None,
               refused: list | None = None, version: int | None = None) -> dict[int, str | None]:
    """Make the index match the database for these pages: {page_id: None if done, else error}.

    Only under ``applier_lock()``: every document is written with one external version,
    ``version`` or else a new one from ``next_version()``, taken before the pages are read.
    ``written`` (a list) receives (page_id, document) for each document upserted, and
    ``refused`` the page ids whose write Elasticsearch refused as already applied (409:
    this very request carried out before, retried by the transport; module docstring).

    Raises IndexUnavailable when Elasticsearch cannot be reached at all.
    """
    from elasticsearch import ApiError, TransportError

    page_ids = list(dict.fromkeys(page_ids))
    outcome: dict[int, str | None] = {}
    if not page_ids:
        return outcome
    if version is None:
        version = next_version()
    versioned = {"version": version, "version_type": "external"}
    try:
        index = index or VersionedIndex()
        targets = indices or ensure_index(index)
        pages = specific_pages(page_ids)
        built = _documents(page_ids, pages, BuildContext())
        actions: list[tuple[int, dict, dict | None]] = []
        for page_id in page_ids:
            document, exc = built[page_id]
            if exc is not None:  # a page that cannot be serialised must not block the others
                logger.error("search: cannot build the document of page %s", page_id, exc_info=exc)
                outcome[page_id] = f"document: {exc}"[:2000]
                continue
            outcome[page_id] = None
            for target in targets:
                if document is None:
                    actions.append((page_id, {"delete": {"_index": target, "_id": str(page_id), **versioned}}, None))
                else:
                    actions.append((page_id, {"index": {"_index": target, "_id": str(page_id), **versioned}}, document))
        for start in range(0, len(actions), BULK_CHUNK):
            chunk = actions[start:start + BULK_CHUNK]
            operations: list[dict] = []
            for _pid, header, source in chunk:
                operations.append(header)
                if source is not None:
                    operations.append(source)
            response = index.client.bulk(operations=operations)
            for (page_id, header, source), item in zip(chunk, response["items"]):
                op, result = next(iter(item.items()))
                status = result.get("status", 500)
                first_target = header[op]["_index"] == targets[0]
                if status == 409:
                    # version_conflict_engine_exception: the index holds this version already, so
                    # this request was carried out before (the transport retried it after a node
                    # failed with the request done; its answer was lost): done, not written twice.
                    current = _current_version(result)
                    if current is not None and current > version:
                        # A later version than the latest given: the clock was behind (module
                        # docstring). Not done: the row is retried with a version above it.
                        _clock_past(current)
                        outcome[page_id] = f"{op}: 409 version {version} below the index's {current}"
                        continue
                    if first_target:
                        logger.info("search: %s of page %s at version %s was already applied", op, page_id, version)
                        if refused is not None:
                            refused.append(page_id)
                    status = 200
                if 200 <= status < 300 or (op == "delete" and status == 404):
                    # A refused upsert is announced too: the first answer never reached us, so
                    # the document was never announced; each write is announced once.
                    if written is not None and source is not None and first_target:
                        written.append((page_id, source))
                    continue
                if status >= 500 or status == 429:
                    raise IndexUnavailable(f"{op} {page_id}: {status} {result.get('error')}")
                outcome[page_id] = f"{op}: {status} {result.get('error')}"[:2000]
    except IndexUnavailable:
        raise
    except (TransportError, ConnectionError) as exc:
        raise IndexUnavailable(str(exc)) from exc
    except ApiError as exc:
        # 401/403: the credentials are refused (ELASTICSEARCH_API_KEY): the cluster is unusable
        # for now, like an outage; the rows wait in the outbox until the key is fixed.
        if exc.status_code >= 500 or exc.status_code in (401, 403, 429):
            raise IndexUnavailable(str(exc)) from exc
        raise
    return outcome


_CURRENT_VERSION = re.compile(r"current version \[(\d+)\]")


def _current_version(result: dict) -> int | None:
    """The version the index holds, from a 409's reason ("current version [X] is higher or equal
    to the one provided [Y]")."""
    match = _CURRENT_VERSION.search(str((result.get("error") or {}).get("reason", "")))
    return int(match.group(1)) if match else None


def _clock_past(version: int) -> None:
    """Move the write clock past a version found in the index (under the applier lock)."""
    global _last_version
    _last_version = max(_last_version, version)
    IndexWriteClock.objects.filter(pk=1, value__lt=version).update(value=version)


@dataclasses.dataclass
class ApplyReport:
    applied: int = 0  # rows marked done
    failed: int = 0  # rows left pending after an attempt
    unavailable: bool = False
    already_applied: int = 0  # writes Elasticsearch refused as carried out before (a retried request)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _mark(rows, outcome: dict[int, str | None], report: ApplyReport, version: int | None) -> None:
    now = timezone.now()
    done = [r.id for r in rows if r.page_id in outcome and outcome[r.page_id] is None]
    if done:
        OutboxEntry.objects.filter(id__in=done).update(processed_at=now, last_error="", index_version=version)
        report.applied += len(done)
    errors: dict[str, list[int]] = {}
    for row in rows:
        error = outcome.get(row.page_id, "not attempted")
        if error is not None:
            errors.setdefault(error, []).append(row.id)
    for error, ids in errors.items():
        OutboxEntry.objects.filter(id__in=ids).update(attempts=F("attempts") + 1, last_error=error)
        report.failed += len(ids)


def apply_pending(batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> ApplyReport:
    """Apply pending rows in id order until none is left (or Elasticsearch is unreachable)."""
    report = ApplyReport()
    if not is_configured():
        return report
    last_id = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        unavailable = cause = None
        written: list[tuple[int, dict]] = []
        refused: list[int] = []
        with applier_lock():
            rows = list(
                OutboxEntry.objects.filter(processed_at__isnull=True, id__gt=last_id).order_by("id")[:batch_size]
            )
            if not rows:
                break
            last_id = rows[-1].id
            version = next_version()
            try:
                outcome = sync_pages([r.page_id for r in rows], written=written, refused=refused, version=version)
            except IndexUnavailable as exc:
                unavailable = str(exc)[:2000]
                cause = exc
                outcome = {r.page_id: f"unavailable: {unavailable}" for r in rows}
            _mark(rows, outcome, report, version)
        if refused:
            report.already_applied += len(refused)
            logger.warning("search outbox: %d writes refused by Elasticsearch as already applied (a bulk request "
                           "carried out twice, retried after a node failed): not written twice", len(refused))
        _announce(written, outcome)
        if unavailable:
            mark_unavailable(cause)
            report.unavailable = True
            logger.warning("search outbox: Elasticsearch unavailable, %d rows stay pending: %s", len(rows), unavailable,
                           extra={"outage": "elasticsearch"})  # one line a minute (portal/logs.py)
            break
    return report


def _announce(written: list[tuple[int, dict]], outcome: dict[int, str | None]) -> None:
    documents = [(page_id, document) for page_id, document in written if outcome.get(page_id) is None]
    if not documents:
        return
    for receiver, result in documents_applied.send_robust(sender=apply_pending, documents=documents):
        if isinstance(result, Exception):
            logger.error("search outbox: a listener of documents_applied failed (%s)", receiver,
                         exc_info=(type(result), result, result.__traceback__))


def purge_processed(older_than: timedelta = KEEP_PROCESSED) -> int:
    """Delete rows applied long ago (the table is a queue, not a log)."""
    deleted, _ = OutboxEntry.objects.filter(processed_at__lt=timezone.now() - older_than).delete()
    return deleted


def backlog() -> dict:
    pending = OutboxEntry.objects.filter(processed_at__isnull=True)
    oldest = pending.order_by("id").values_list("created", flat=True).first()
    failing = pending.filter(attempts__gt=0)
    last_error = failing.order_by("-id").values_list("last_error", flat=True).first()
    return {
        "pending": pending.count(),
        "pending_pages": pending.values("page_id").distinct().count(),
        "failing": failing.count(),
        "oldest_pending": oldest,
        "last_error": last_error or "",
    }
