"""The judged set and the demo content agree (fast tier, SQLite): every judged page exists, and the source
documents' sections the judgments rely on are page content, not a speaker line."""
import io

import pytest
from django.core.management import call_command

from search import evaluation

pytestmark = pytest.mark.django_db


def test_every_judged_page_is_a_live_demo_page_and_the_ctssm_priorities_are_content():
    from wagtail.models import Page

    from search.evaluation_backends import content_models, missing_pages

    call_command("load_demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    queries, related = evaluation.load()
    assert not missing_pages(evaluation.judged_keys(queries, related))
    searchable = {m.__name__ for m in content_models()}
    for slug in evaluation.judged_keys(queries, related):
        assert Page.objects.get(slug=slug).specific_class.__name__ in searchable, slug

    ctssm = " ".join(str(Page.objects.get(slug=s).specific.body).lower()
                     for s in ("ctssm-bologna-integrazione-poverta-casa", "ctssm-bologna-giovani-migranti-disabilita"))
    for priority in ("impoverimento", "casa come fattore di autonomia", "giovani", "migratorio", "terzo settore"):
        assert priority in ctssm, priority
