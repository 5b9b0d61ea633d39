"""Index writes carry external versions from a write clock (issue 22): a write carried out twice is
refused by Elasticsearch the second time, and an older write arriving after a newer one loses.

The elasticsearch-py transport retries a request on another node when the one it sent it to
fails (``max_retries`` = nodes - 1); a bulk request the dead primary had already handed to its
replica is then carried out twice. ``BulkSentTwice`` does exactly that on the harness's node.
"""
from __future__ import annotations

import time

import pytest

from search.engine import versions
from search.indexing.outbox import applier_lock, apply_pending, documents_applied, next_version
from search.models import OutboxEntry
from tests import builders


class BulkSentTwice:
    """The client, except that each bulk request is sent twice and the second answer returned:
    what the transport does when the node died after carrying the request out."""

    def __init__(self, client):
        self._client = client
        self.answers: list[dict] = []

    def bulk(self, **kwargs):
        self.answers.append(self._client.bulk(**kwargs))
        self.answers.append(self._client.bulk(**kwargs))
        return self.answers[-1]

    def __getattr__(self, name):
        return getattr(self._client, name)


@pytest.fixture
def announced():
    pages: list[int] = []

    def listener(sender, documents, **kwargs):
        pages.extend(page_id for page_id, _document in documents)

    documents_applied.connect(listener, dispatch_uid="test-versioned-writes")
    yield pages
    documents_applied.disconnect(dispatch_uid="test-versioned-writes")


def _version(es, page_id: int) -> int:
    return es.client.get(index=es.index.read_alias, id=str(page_id))["_version"]


@pytest.mark.services
@pytest.mark.django_db
def test_a_bulk_request_carried_out_twice_is_applied_once(es, monkeypatch, announced):
    es.create()
    page = builders.news("Notizia sulla consulta del volontariato", "Prima versione.")
    es.drain()
    announced.clear()
    page.title = "Notizia sulla consulta del volontariato, aggiornata"
    page.save_revision().publish()

    twice = BulkSentTwice(es.client)
    monkeypatch.setattr(versions, "get_client", lambda: twice)  # what VersionedIndex() writes with
    report = apply_pending()
    monkeypatch.undo()

    first, second = (answer["items"][0]["index"] for answer in twice.answers)
    print(f"\nfirst send: {first.get('status')} _version {first.get('_version')}; "
          f"second send: {second.get('status')} _version {second.get('_version')}")
    assert first["status"] in (200, 201)
    assert _version(es, page.pk) == first["_version"], "the second send changed the document again"
    assert second["status"] == 409, "the second send is refused as already applied"
    assert report.applied >= 1 and report.failed == 0 and report.already_applied == 1
    row = OutboxEntry.objects.filter(page_id=page.pk).latest("id")
    assert row.processed_at is not None and row.last_error == "" and row.attempts == 0
    assert row.index_version == first["_version"]
    assert es.document(page.pk)["title"] == page.title
    assert announced == [page.pk], "documents_applied told once about the page"


def _while_loading(change):
    """A progress bar for ``_bulk_load`` that runs ``change()`` once the load has read and built the
    page and before it sends it: the outbox then writes a newer state (a larger version) first."""

    class Progress:
        def __init__(self, total):
            pass

        def update(self, n):
            change()

        def close(self):
            pass

    return Progress


@pytest.mark.services
@pytest.mark.django_db
def test_the_bulk_load_older_than_an_outbox_write_is_refused_and_the_newer_state_stays(es, announced):
    """The rebuild's bulk load (version S0, taken before it reads any page) reaches the index after
    the outbox wrote a newer state of the page: refused, not counted as an error."""
    from search.indexing.reindex import ReindexReport, _bulk_load

    name = es.create()
    page = builders.news("Notizia sul tavolo della povertà", "Prima versione.")
    es.drain()
    with applier_lock():
        started = next_version()

    def change():
        page.title = "Notizia sul tavolo della povertà, aggiornata"
        page.save_revision().publish()
        assert apply_pending().applied >= 1

    report = ReindexReport()
    loaded, skipped, errors = _bulk_load(es.index, name, _while_loading(change), report, version=started)
    es.refresh()
    assert (loaded, errors) == (1, 0)
    assert report.superseded == 1, "the stale document was refused, counted apart from the errors"
    assert es.document(page.pk)["title"] == "Notizia sul tavolo della povertà, aggiornata"
    newest = OutboxEntry.objects.filter(page_id=page.pk).latest("id").index_version
    assert _version(es, page.pk) == newest > started


@pytest.mark.services
@pytest.mark.django_db
def test_a_delete_is_not_undone_by_an_older_write(es):
    from search.indexing.reindex import ReindexReport, _bulk_load

    name = es.create()
    page = builders.news("Notizia da ritirare sul microcredito", "Testo.")
    es.drain()
    with applier_lock():
        started = next_version()

    def change():
        page.unpublish()
        es.drain()

    report = ReindexReport()
    _loaded, _skipped, errors = _bulk_load(es.index, name, _while_loading(change), report, version=started)
    es.refresh()
    assert errors == 0 and report.superseded == 1
    assert es.document(page.pk) is None, "the unpublished page came back"


@pytest.mark.services
@pytest.mark.django_db
def test_a_version_above_the_clock_in_the_index_leaves_the_row_pending_and_moves_the_clock(es):
    """A host whose clock is behind a version already written (the clock's row rolled back with a
    failed batch): the write is refused but is not "already applied"; retried above that version."""
    from search.models import IndexWriteClock

    name = es.create()
    page = builders.news("Notizia sul centro antiviolenza", "Testo.")
    ahead = time.time_ns() // 1000 + 3600 * 10**6
    es.client.index(index=name, id=str(page.pk), document={"title": "stato scritto con un orologio avanti"},
                    version=ahead, version_type="external")
    report = apply_pending()
    assert report.failed >= 1 and report.already_applied == 0
    row = OutboxEntry.objects.filter(page_id=page.pk).latest("id")
    assert row.processed_at is None and "409" in row.last_error
    assert IndexWriteClock.objects.get().value >= ahead

    report = es.drain()
    assert report.failed == 0 and report.already_applied == 0
    assert es.document(page.pk)["title"] == page.title
    assert _version(es, page.pk) == OutboxEntry.objects.filter(page_id=page.pk).latest("id").index_version > ahead


@pytest.mark.django_db(transaction=True)
def test_next_version_is_strictly_increasing_and_starts_from_the_microsecond_clock():
    from search.models import IndexWriteClock

    before = time.time_ns() // 1000
    with applier_lock():
        taken = [next_version() for _ in range(50)]
    assert taken[0] >= before
    assert all(b > a for a, b in zip(taken, taken[1:]))
    with applier_lock():
        assert next_version() > taken[-1]

    # The clock stepped back (or a version was taken far ahead): still larger than the last one.
    ahead = time.time_ns() // 1000 + 3600 * 10**6
    IndexWriteClock.objects.update(value=ahead)
    with applier_lock():
        assert next_version() == ahead + 1


@pytest.mark.django_db
def test_next_version_needs_the_applier_lock():
    with pytest.raises(RuntimeError):
        next_version()  # a version taken outside the lock could be written after a larger one
