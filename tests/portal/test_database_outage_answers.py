"""Which database errors are an outage (a 503 that asks to retry) and which are a refused request (a 500).

``portal.views.is_outage`` branches on the vendor: PostgreSQL raises OperationalError only
for connection trouble, SQLite raises it both for an unusable database file and for a query
it refuses (an FTS5 syntax error). The SQLite branch is what ``make run`` serves, so these
run in CI's SQLite tier too. The errors are real ones, raised by the sqlite3 driver on a
file this test locks or queries, then wrapped as Django wraps them.
"""
from __future__ import annotations

import sqlite3
import sys

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import RequestFactory

from portal.views import is_outage, server_error

pytestmark = pytest.mark.django_db


def _as_django(exc: sqlite3.Error) -> OperationalError:
    wrapped = OperationalError(*exc.args)
    wrapped.__cause__ = exc
    return wrapped


def _locked_database_error(tmp_path) -> OperationalError:
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("create table t (x integer)")
    holder.execute("begin exclusive")
    try:
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("insert into t values (1)")
        other.close()
    finally:
        holder.execute("rollback")
        holder.close()
    assert "locked" in str(raised.value)
    return _as_django(raised.value)


def _fts_syntax_error(tmp_path) -> OperationalError:
    db = sqlite3.connect(tmp_path / "fts.sqlite3")
    db.execute("create virtual table pages using fts5(body)")
    with pytest.raises(sqlite3.OperationalError) as raised:
        db.execute("select * from pages where pages match ?", ('"inclusione',)).fetchall()
    db.close()
    return _as_django(raised.value)


def test_a_locked_sqlite_database_is_an_outage(tmp_path):
    assert is_outage(_locked_database_error(tmp_path))


def test_a_query_sqlite_refuses_is_no_outage_while_the_database_answers(tmp_path):
    error = _fts_syntax_error(tmp_path)
    # On SQLite the message decides (the database answers: no outage); on PostgreSQL an
    # OperationalError is connection trouble by definition.
    assert is_outage(error) is (connection.vendor != "sqlite")


def _answer_to(error: Exception):
    request = RequestFactory().get("/cerca/?q=inclusione")
    try:
        raise error
    except Exception:
        assert sys.exc_info()[1] is error
        return server_error(request)


def test_the_outage_answer_is_a_503_in_italian_that_asks_to_retry(tmp_path):
    response = _answer_to(_locked_database_error(tmp_path))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Servizio momentaneamente non disponibile" in response.content.decode()


def test_a_refused_query_on_sqlite_is_a_500_not_an_outage(tmp_path):
    response = _answer_to(_fts_syntax_error(tmp_path))
    assert response.status_code == (500 if connection.vendor == "sqlite" else 503)
