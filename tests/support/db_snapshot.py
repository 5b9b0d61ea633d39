"""The rows of every table, copied out of PostgreSQL once and copied back in by later tests.

Browser tests need the demo content committed (the live server reads it from another
connection), and a transactional test ends by emptying the database. ``manage.py load_demo``
builds that content through Wagtail's page tree, revisions and renditions, about twenty
seconds of CPU for each of some thirty tests. The first test loads it for real; the others get the same
rows back with ``COPY`` (under a second), provided the database holds exactly what it held
before that first load (the migrations' data): otherwise they load the demo for real too.
"""
from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)


def row_counts() -> tuple[int, ...]:
    """How many rows each table holds, in one round trip: the state a snapshot may be restored over."""
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {_quoted(t)})" for t in tables))
        return tuple(cursor.fetchone())


class Snapshot:
    """Every Django table's rows as COPY text, taken after a load and restored in place of one."""

    def __init__(self, before: tuple[int, ...]):
        self.before = before  # row_counts() the load started from
        self.rows: dict[str, bytes] = {}
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg's own cursor: COPY is not in the DB-API
            for table in _tables():
                with cursor.copy(f"COPY {_quoted(table)} TO STDOUT") as copy:
                    self.rows[table] = b"".join(bytes(chunk) for chunk in copy)

    def restore(self) -> None:
        """Replace every table's rows with the snapshot's; sequences move past the copied ids."""
        tables = list(self.rows)
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor
            cursor.execute("TRUNCATE " + ", ".join(_quoted(t) for t in tables) + " CASCADE")
            for table, data in self.rows.items():
                if data:  # foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at commit, in any order
                    with cursor.copy(f"COPY {_quoted(table)} FROM STDIN") as copy:
                        copy.write(data)
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                cursor.execute(statement)
        # COPY sends no signal: say the content changed, as the load's saves did (caches keyed on it go stale)
        from portal import content_version

        content_version.bump()


_SNAPSHOTS: dict[str, Snapshot] = {}


def load_once(name: str, load) -> None:
    """Run ``load()`` the first time; afterwards restore what it produced, when the database is
    where that first load started (on PostgreSQL only: elsewhere ``load()`` runs every time)."""
    if connection.vendor != "postgresql":
        load()
        return
    before = row_counts()
    snapshot = _SNAPSHOTS.get(name)
    if snapshot is not None and snapshot.before == before:
        snapshot.restore()
        return
    load()
    if snapshot is None:
        _SNAPSHOTS[name] = Snapshot(before)
