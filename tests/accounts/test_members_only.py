"""Members-only content: pages and documents never reach anonymous or unverified users."""
from __future__ import annotations

import pytest

from tests.accounts.conftest import make_document, make_member, make_seminar

pytestmark = pytest.mark.django_db

SECRET = "Verbale riservato del tavolo di coordinamento"


@pytest.fixture
def reserved_page(tree):
    from wagtail.models import PageViewRestriction

    from cms.demo.builder import ensure_page
    from cms.models import StandardPage
    from cms.models.blocks import BodyBlock

    page, _ = ensure_page(
        tree.home, StandardPage, "area-riservata", title="Area riservata agli operatori",
        summary="Materiali di lavoro.",
        body=BodyBlock().to_python([{"type": "paragraph", "value": f"<p>{SECRET}</p>"}]),
    )
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    child, _ = ensure_page(
        page, StandardPage, "sottopagina", title="Sottopagina riservata",
        body=BodyBlock().to_python([{"type": "paragraph", "value": f"<p>{SECRET} (allegato)</p>"}]),
    )
    return page, child


def test_anonymous_sees_title_and_login_prompt_only(client, reserved_page):
    for page in reserved_page:
        response = client.get(page.url)
        body = response.content.decode()
        assert response.status_code == 403
        assert page.title in body
        assert "Riservato agli operatori" in body
        assert f"/account/login/?next={page.url}" in body
        assert SECRET not in body
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_unverified_member_is_asked_to_verify(client, reserved_page, unverified_member):
    client.force_login(unverified_member)
    response = client.get(reserved_page[0].url)
    body = response.content.decode()
    assert response.status_code == 403
    assert "Verifica il tuo indirizzo email" in body
    assert SECRET not in body


def test_verified_member_reads_the_page(client, reserved_page, member):
    client.force_login(member)
    for page in reserved_page:
        response = client.get(page.url)
        assert response.status_code == 200
        assert SECRET in response.content.decode()


def test_reserved_seminar_materials_refused_to_anonymous(client, tree, member, unverified_member):
    reserved_doc = make_document("Slide riservate", "slide-riservate.pdf")
    public_doc = make_document("Programma pubblico", "programma.pdf")
    make_seminar(tree, "riservato", members_only_materials=True, documents=[reserved_doc])
    make_seminar(tree, "pubblico", members_only_materials=False, documents=[public_doc])

    response = client.get(reserved_doc.url)
    assert response.status_code == 403
    assert b"%PDF" not in response.content
    assert "Slide riservate" in response.content.decode()

    assert client.get(public_doc.url).status_code == 200

    client.force_login(unverified_member)
    assert client.get(reserved_doc.url).status_code == 403

    client.force_login(member)
    response = client.get(reserved_doc.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_document_linked_from_members_only_page_is_reserved(client, tree, reserved_page, member):
    from cms.demo.builder import ensure_page
    from cms.models import StandardPage
    from cms.models.blocks import BodyBlock

    doc = make_document("Verbale", "verbale.pdf")
    ensure_page(
        reserved_page[0], StandardPage, "con-allegato", title="Con allegato",
        body=BodyBlock().to_python([{"type": "document", "value": {"document": doc.pk, "description": "verbale"}}]),
    )
    assert client.get(doc.url).status_code == 403
    client.force_login(member)
    assert client.get(doc.url).status_code == 200


def test_what_other_channels_ask_of_the_one_visibility_rule(reserved_page, tree):
    from wagtail.models import Page

    from cms.visibility import document_visible, visible
    from portal.membership import is_verified_member

    page, child = reserved_page
    members_only = (set(visible(Page.objects.all(), member=True).values_list("pk", flat=True))
                    - set(visible(Page.objects.all(), member=False).values_list("pk", flat=True)))
    assert members_only == {page.pk, child.pk}
    assert not is_verified_member(make_member("nessuna.verifica@example.it", verified=False))
    assert is_verified_member(make_member("verificata@example.it"))
    doc = make_document("Non usato", "non-usato.pdf")
    assert not document_visible(doc, None, member=False), "documents follow their pages: one no live page uses is not public"
