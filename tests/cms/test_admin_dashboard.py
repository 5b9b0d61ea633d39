"""The admin home shows each role its work (issue #18, item 5): the Referente di Zona their
zona's drafts, submissions and upcoming events; the moderator what waits for approval, with its
age; the editor what is missing."""
from __future__ import annotations

import datetime
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cms.permissions import ensure_page_permissions
from tests import builders
from tests.cms.test_permissions import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(site_tree):
    ensure_page_permissions()
    return site_tree


def _submit(page, user):
    page.save_revision(user=user)
    page.get_workflow().start(page, user)


def _panels(client, user) -> dict[str, dict[str, list[str]]]:
    """{panel id: {section heading: [row titles]}} of the admin home as ``user`` sees it."""
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    out = {}
    for panel in response.context["panels"]:
        if hasattr(panel, "sections"):
            assert f'id="{panel.panel_id}-section"' in html
            out[panel.panel_id] = {str(s.heading): [row.title for row in s.rows] for s in panel.sections}
            for section in panel.sections:
                for row in section.rows:
                    assert row.url in html
    return out


@pytest.fixture
def content(roles):
    nievole, mugello = builders.zona("val-di-nievole"), builders.zona("mugello")
    ref = make_user("ref_nievole", "Referente di Zona", nievole)
    now = timezone.now()
    practices = roles["buone-pratiche"]
    out = {
        "ref": ref,
        "draft": builders.practice(parent=practices, zona_obj=nievole, publish=False, title="Bozza della Valdinievole"),
        "other_draft": builders.practice(parent=practices, zona_obj=mugello, publish=False, title="Bozza del Mugello"),
        "published": builders.practice(parent=practices, zona_obj=nievole, title="Pratica pubblicata della Valdinievole"),
        "submitted": builders.practice(parent=practices, zona_obj=nievole, publish=False, title="Pratica inviata della Valdinievole"),
        "seminar": builders.seminar(parent=roles["seminari"], start=now + timedelta(days=3), zones=[nievole], title="Seminario in arrivo"),
        "past": builders.seminar(parent=roles["seminari"], start=now - timedelta(days=3), zones=[nievole], title="Seminario passato"),
        "elsewhere": builders.seminar(parent=roles["seminari"], start=now + timedelta(days=3), zones=[mugello], title="Seminario altrove"),
        "workshop": builders.workshop(parent=roles["laboratori"], sessions=[now - timedelta(days=9), now + timedelta(days=8)],
                               zones=[nievole], title="Laboratorio in arrivo"),
        "norm_without": builders.norm(parent=roles["quadro-normativo"], title="Delibera senza fonte"),
        "norm_with": builders.norm(parent=roles["quadro-normativo"], title="Delibera con fonte",
                            full_text_url="https://www.regione.toscana.it/burt"),
        "lone": builders.data(parent=roles["dati"], title="Dato isolato", indicator="Indicatore solitario"),
        "series_a": builders.data(parent=roles["dati"], title="Serie 2021", indicator="Indicatore in serie"),
        "series_b": builders.data(parent=roles["dati"], title="Serie 2022", indicator="Indicatore in serie", period_label="2022",
                           period_end=datetime.date(2022, 12, 31), value=Decimal("2000")),
    }
    _submit(out["submitted"], ref)
    return out


def test_the_referente_sees_drafts_submissions_and_events_of_their_zona(client, content):
    panels = _panels(client, content["ref"])
    # their own panel, and the questions on their zona's practices they may answer (questions/)
    assert set(panels) == {"cdp-referente", "cdp-domande"}, "a Referente sees only the panels of their role"
    drafts, waiting, events = panels["cdp-referente"].values()
    assert drafts == ["Bozza della Valdinievole"]
    assert waiting == ["Pratica inviata della Valdinievole"]
    assert events == ["Seminario in arrivo", "Laboratorio in arrivo"]


def test_the_moderator_sees_what_waits_with_its_age(client, content):
    from newsletter.models import Edition

    edition = Edition.objects.create(number=901, window_start=datetime.date(2027, 3, 1),
                                     window_end=datetime.date(2027, 4, 30), title="n. 901 - marzo-aprile 2027",
                                     status=Edition.Status.SUBMITTED)
    Edition.objects.create(number=903, window_start=datetime.date(2027, 7, 1), window_end=datetime.date(2027, 8, 31),
                           title="n. 903 - ancora in bozza")  # the editors' draft: not the moderator's yet
    Edition.objects.create(number=902, window_start=datetime.date(2027, 5, 1), window_end=datetime.date(2027, 6, 30),
                           title="n. 902 - già approvata", status=Edition.Status.APPROVED)
    moderator = make_user("moderatrice", "Moderatore")
    panels = _panels(client, moderator)
    assert [*panels["cdp-moderazione"].values()] == [["Pratica inviata della Valdinievole"]]
    assert [*panels["cdp-newsletter"].values()] == [[edition.title]]
    assert "cdp-referente" not in panels
    client.force_login(moderator)
    html = client.get("/admin/").content.decode()
    assert re.search(r"da 0\s+minuti", html), "the age of what waits"


def test_the_editor_sees_what_is_missing(client, content):
    from cms.models import Zona

    panels = _panels(client, make_user("redattrice", "Redattore"))
    zones, norms, data = panels["cdp-redazione"].values()
    assert "Val di Nievole" not in " ".join(zones) and len(zones) == Zona.objects.count() - 1
    assert "Mugello" in zones
    assert [n for n in norms if "Delibera" in n] == [content["norm_without"].get_admin_display_title()]
    assert data == ["Dato isolato"]
    assert "cdp-moderazione" not in panels and "cdp-newsletter" not in panels
