"""Registering to a seminar applies the page's view restrictions (groups, password, aliases).

Page ids are sequential: a verified member must not take a seat in, nor be mailed the date and
online link of, a seminar they may not see.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.conftest import make_member, make_seminar

pytestmark = pytest.mark.django_db

ONLINE_LINK = "https://meet.example.it/riunione-riservata"


@pytest.fixture
def restricted_seminars(tree):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    group = Group.objects.create(name="Tavolo regionale")
    by_group = make_seminar(tree, "solo-tavolo", capacity=5, format="online", online_link=ONLINE_LINK)
    restriction = PageViewRestriction.objects.create(page=by_group, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([group])
    by_password = make_seminar(tree, "con-password", capacity=5, format="online", online_link=ONLINE_LINK)
    password = PageViewRestriction.objects.create(page=by_password, restriction_type=PageViewRestriction.PASSWORD,
                                                  password="segreta-2027")
    source = make_seminar(tree, "fonte-riservata", capacity=5, format="online", online_link=ONLINE_LINK)
    alias = source.create_alias(update_slug="copia-della-fonte")
    restriction = PageViewRestriction.objects.create(page=source, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([group])
    return {"group": group, "by_group": by_group, "by_password": by_password, "password": password,
            "alias": alias.specific}


def test_a_member_cannot_register_to_a_seminar_they_may_not_see(client, restricted_seminars, django_capture_on_commit_callbacks):
    from portal.accounts.models import Registration

    client.force_login(make_member("operatore@sds.example.it"))
    refused = {}
    with django_capture_on_commit_callbacks(execute=False) as mails:
        for name in ("by_group", "by_password", "alias"):
            seminar = restricted_seminars[name]
            response = client.post(reverse("account_seminar_register", args=[seminar.pk]))
            refused[name] = response.status_code
            assert ONLINE_LINK not in response.content.decode()
    assert refused == {"by_group": 403, "by_password": 403, "alias": 403}, refused
    assert not Registration.objects.exists()
    assert not mails, "no mail with the seminar's title, date and link"


def test_members_the_restriction_accepts_still_register(client, restricted_seminars, django_capture_on_commit_callbacks):
    from portal.accounts.models import Registration

    insider = make_member("tavolo@regione.example.it")
    insider.groups.add(restricted_seminars["group"])
    client.force_login(insider)
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(reverse("account_seminar_register", args=[restricted_seminars["by_group"].pk])).status_code == 302
        password = restricted_seminars["password"]
        seminar = restricted_seminars["by_password"]
        client.post(reverse("wagtailcore_authenticate_with_password", args=[password.pk, seminar.pk]),
                    {"password": "segreta-2027", "return_url": seminar.url})
        assert client.post(reverse("account_seminar_register", args=[seminar.pk])).status_code == 302
    assert Registration.objects.filter(user=insider).count() == 2
