"""XSS probes: markup typed by visitors, members and editors always comes back as text.

Each probe carries a marker naming the field it went into. A page is unsafe if the
parsed HTML holds a <script> with a marker in its code, an event-handler attribute
(``on*``) or a ``javascript:`` URL with a marker, or an element the probe created
(``<img>``/``<svg>``/``<iframe>`` carrying a marker). JSON-LD blocks are data: they
must stay one valid JSON block each (no early ``</script>``).

Surfaces: the newsletter subscriber's name (preferences page), the member's name and
organisation (profile, admin user list), a practice proposal (review page, then the
published page), editors' titles, summaries, taxonomy names, tags and document titles
(page, listings, search on the database and on Elasticsearch with highlights,
autocomplete, RSS/Atom, API), search queries echoed back, and newsletter editions
(items, editorial through the editor's own conversion, mail HTML and web archive).
"""
from __future__ import annotations

import json
import re

import pytest
from lxml import etree, html as lxml_html

from tests.security.conftest import build_corpus, drain, report, site_tree

pytestmark = pytest.mark.django_db


def probes(field: str) -> list[str]:
    m = f"XSS_{field}"
    return [
        f'<script>alert("{m}")</script>',
        f'"><img src=x onerror=alert("{m}")>',
        f"'><svg onload=alert('{m}')>",
        f'</title></textarea></script><iframe src="javascript:alert(\'{m}\')"></iframe>',
        f'<a href="javascript:alert(\'{m}\')">{m}</a>',
    ]


def probe_text(field: str) -> str:
    return " ".join(probes(field))


def balanced_probes(field: str) -> str:
    """The probes as well-formed HTML, the way a browser hands a paste to the rich text editor."""
    m = f"XSS_{field}"
    return (
        f'<p>{m} <script>alert("{m}")</script><img src="x" onerror="alert(\'{m}\')"/></p>'
        f'<p><svg onload="alert(\'{m}\')"></svg><iframe src="javascript:alert(\'{m}\')"></iframe></p>'
        f'<p><a href="javascript:alert(\'{m}\')">{m}</a> <b onmouseover="alert(\'{m}\')">{m}</b></p>'
    )


def as_editor_saves(pasted: str, features=None) -> str:
    """What the admin stores for a rich text field when an editor pastes ``pasted`` (Draftail's conversion)."""
    from wagtail.admin.rich_text import get_rich_text_editor_widget

    widget = get_rich_text_editor_widget(features=features)
    return widget.value_from_datadict({"field": widget.format_value(pasted)}, {}, "field")


def live_markup(document: str) -> list[str]:
    """What in this HTML would run or was created by a probe."""
    if not document.strip():
        return []
    tree = lxml_html.fromstring(document)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script":
            code = element.text or ""
            if (element.get("type") or "").lower() == "application/ld+json":
                try:
                    json.loads(code)
                except ValueError:
                    found.append(f"broken JSON-LD: {code[:80]}")
                continue
            if "XSS_" in code:
                found.append(f"<script>{code[:80]}")
        for name, value in element.attrib.items():
            if "XSS_" not in value:
                continue
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}={value[:60]}>")
            if name.lower() in ("href", "src", "action", "formaction", "data") and value.strip().lower().startswith("javascript:"):
                found.append(f"<{tag} {name}={value[:60]}>")
        if tag in ("img", "svg", "iframe", "object", "embed") and any("XSS_" in v for v in element.attrib.values()):
            found.append(f"<{tag}> created by a probe")
    return found


class Surfaces:
    def __init__(self):
        self.checked: list[str] = []
        self.failures: list[tuple[str, list[str]]] = []

    def html(self, name: str, body: str) -> None:
        self.checked.append(name)
        bad = live_markup(body)
        if bad:
            self.failures.append((name, bad))

    def response(self, name: str, response) -> None:
        assert response.status_code == 200, (name, response.status_code)
        self.html(name, response.content.decode())


def test_member_and_visitor_fields_are_escaped(client, admin_client):
    from newsletter import tokens
    from newsletter.models import Subscriber
    from portal.accounts.models import PracticeSubmission
    from portal.accounts.practices import service
    from tests.accounts.conftest import make_member

    surfaces = Surfaces()
    subscriber = Subscriber.objects.create(email="nome@example.it", name=probe_text("subscriber_name")[:150], status="active")
    surfaces.response("newsletter preferences", client.get(f"/newsletter/preferenze/{tokens.personal_token(subscriber)}/"))
    surfaces.response("newsletter erase page", client.get(f"/newsletter/preferenze/{tokens.personal_token(subscriber)}/cancellazione/"))

    member = make_member("profilo@example.it")
    member.first_name, member.last_name = probe_text("first_name")[:150], probe_text("last_name")[:150]
    member.save()
    member.profile.organisation = probe_text("organisation")[:200]
    member.profile.save()
    client.force_login(member)
    surfaces.response("profile", client.get("/account/profilo/"))
    surfaces.response("profile edit", client.get("/account/profilo/modifica/"))
    surfaces.response("admin users", admin_client.get("/admin/users/"))

    tree = site_tree()
    from cms.models import Zona

    zona = Zona.objects.first()
    submission = PracticeSubmission.objects.create(user=member, data={
        "practice": {"title": probe_text("practice_title")[:255], "zona": str(zona.pk), "owner_body": probe_text("owner")[:250],
                     "summary": probe_text("practice_summary"), "period_start": "", "period_end": "", "topics": []},
        "people": {"target_groups": probe_text("target"), "objectives": probe_text("objectives"), "partner_kinds": [],
                   "partners": probe_text("partners")},
        "method": {"activities": probe_text("activities"), "core_team": "", "extended_team": "", "tools": probe_text("tools"),
                   "data_protection": "", "funding_sources": [], "funding_note": ""},
        "results": {"results": probe_text("results"), "evaluation_level": "emergente", "criteria_met": [],
                    "lessons_learned": probe_text("lessons")},
        "contact": {"service": probe_text("service")[:250], "address": "", "email": "", "phone": "", "url": ""},
    })
    surfaces.response("practice review", client.get(f"/account/buone-pratiche/{submission.pk}/passo/6/"))
    service.submit(submission)
    submission.refresh_from_db()
    page = submission.page.specific
    page.get_latest_revision().publish()
    page.refresh_from_db()
    surfaces.response("published practice", client.get(page.url))
    surfaces.response("practices listing", client.get(tree.practices.url))
    surfaces.response("profile with submission", client.get("/account/profilo/"))

    report("XSS probes: visitor and member fields", surfaces_checked=len(surfaces.checked), probes_per_field=5,
           live_markup=surfaces.failures or 0)
    assert not surfaces.failures, surfaces.failures


def _editor_content():
    """Pages and taxonomies whose every text field an editor could fill carries probes."""
    from wagtail.models import Page  # noqa: F401

    from tests.accounts.conftest import make_document
    from tests import builders

    zona = builders.zona("zona-xss", probe_text("zona_name")[:100])
    topic = builders.topic("tema-xss", probe_text("topic_name")[:100])
    document = make_document(probe_text("document_title")[:255])
    news = builders.news(
        f"Guida inclusione {probe_text('news_title')}"[:255], f"inclusione {probe_text('news_summary')}",
        zones=[zona], topics=[topic],
    )
    # Rich text as the admin stores it (the editor's conversion), plain fields as typed.
    news.body = [("paragraph", as_editor_saves(f"<p>inclusione</p>{balanced_probes('news_body')}"))]
    news.tags.add(probe_text("tag")[:100])
    news.search_description = probe_text("search_description")
    news.seo_title = probe_text("seo_title")[:255]
    news.save_revision().publish()
    practice = builders.practice(f"Pratica inclusione {probe_text('practice')}"[:255], probe_text("practice_summary"), zona_obj=zona)
    practice.activities = as_editor_saves(balanced_probes("practice_activities"))
    practice.save_revision().publish()
    seminar = builders.seminar(f"Seminario inclusione {probe_text('seminar')}"[:255], probe_text("seminar_summary"), zones=[zona])
    return {"news": news, "practice": practice, "seminar": seminar, "zona": zona, "document": document}


def _feed_entries(body: bytes) -> list[str]:
    """What a feed reader renders as HTML, XML-decoded: RSS <description>, Atom elements of type="html"."""
    root = etree.fromstring(body)
    texts = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rsplit("}", 1)[-1]
        if local == "description" or (local in ("summary", "content", "title", "subtitle") and element.get("type") == "html"):
            texts.append(element.text or "")
    return texts


@pytest.mark.services
def test_editor_fields_search_queries_and_highlights_are_escaped(client, shared_elasticsearch, settings):
    from search.engine import client as search_client

    surfaces = Surfaces()
    build_corpus()
    pages = _editor_content()
    drain(shared_elasticsearch)
    news = pages["news"]
    for name, path in (
        ("news page", news.url), ("practice page", pages["practice"].url), ("seminar page", pages["seminar"].url),
        ("home", "/"), ("news listing", news.get_parent().url), ("zona page", f"/zone/{pages['zona'].slug}/"),
        ("zone list", "/zone/"),
    ):
        surfaces.response(name, client.get(path))
    for backend, urls in (("elasticsearch", [settings.ELASTICSEARCH_URLS[0]]), ("database", [])):
        settings.ELASTICSEARCH_URLS = urls
        search_client.reset()
        surfaces.response(f"search results ({backend})", client.get("/cerca/", {"q": "inclusione"}))
        surfaces.response(f"search highlights ({backend})", client.get("/cerca/", {"q": "guida XSS_news_title alert"}))
        for query in probes("query"):
            surfaces.response(f"search query echo ({backend})", client.get("/cerca/", {"q": query, "zona": query}))
        autocomplete = client.get("/cerca/suggerimenti/", {"q": "guida"})
        assert autocomplete["Content-Type"].startswith("application/json")
        assert autocomplete["X-Content-Type-Options"] == "nosniff"
        surfaces.checked.append(f"autocomplete JSON ({backend})")
    for kind in ("notizie", "buone-pratiche", "seminari"):
        for flavour in ("rss", "atom"):
            response = client.get(f"/feeds/{kind}/{flavour}/")
            if response.status_code == 404:
                continue
            for text in _feed_entries(response.content):
                surfaces.html(f"feed {kind} {flavour}", f"<div>{text}</div>")
    api = client.get("/api/v2/pages/", {"type": "cms.NewsPage", "fields": "*"})
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")
    surfaces.checked.append("API JSON")

    report("XSS probes: editor fields, search queries and highlights, feeds", surfaces_checked=len(surfaces.checked),
           probes_per_field=5, live_markup=surfaces.failures or 0)
    assert not surfaces.failures, surfaces.failures


def test_newsletter_content_is_escaped(client):
    from newsletter.rendering import render_edition
    from tests.newsletter import factories
    from tests.newsletter.factories import aware

    import datetime

    surfaces = Surfaces()
    items = [
        factories.norm(f"DGR 1/2027 {probe_text('norm_title')}"[:255], aware(datetime.date(2027, 1, 10))),
        factories.news(f"Notizia {probe_text('item_title')}"[:255], aware(datetime.date(2027, 1, 11))),
    ]
    edition = factories.sendable_edition(items)
    # The editorial as the admin stores it: whatever the editor pastes goes through the
    # rich text editor's conversion (contentstate -> database HTML) with the field's features.
    edition.editorial = as_editor_saves(balanced_probes("editorial"), features=["bold", "italic", "link", "ul", "ol"])
    edition.status = "sent"
    edition.save()
    rendered = render_edition(edition)
    surfaces.html("newsletter mail HTML", rendered.html)
    assert "XSS_item_title" in rendered.text, "the text part keeps the words, as text"
    surfaces.response("newsletter web archive", client.get(f"/newsletter/archivio/{edition.number}/"))
    report("XSS probes: newsletter edition (items, editorial)", surfaces_checked=len(surfaces.checked),
           live_markup=surfaces.failures or 0)
    assert not surfaces.failures, surfaces.failures
    assert not re.search(r"<script[^>]*>[^<]*XSS_", rendered.html)
