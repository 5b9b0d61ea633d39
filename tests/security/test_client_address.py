"""Rate limits count visitors, not the proxy in front of them (issue 14, item 5).

Behind the README's TLS proxy every request comes from the proxy's address. The client's
address is read from X-Forwarded-For through exactly TRUSTED_PROXY_COUNT proxies (one
function, portal.clientip.client_ip, used by allauth and by the newsletter), and a
stranger's failed logins on a member's e-mail lock the stranger's address out of that
account, never the member.
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, make_member
from tests.portal.test_configuration import clean_env, manage

PROXY = "10.0.0.2"
ATTACKER, MEMBER_HOME, OTHER = "203.0.113.66", "198.51.100.7", "192.0.2.44"


@pytest.fixture
def behind_proxy(settings):
    from django.core.cache import cache

    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def via_proxy(address: str, spoofed: str = "") -> dict:
    """What the app sees from a visitor at ``address`` through one proxy (which appends the peer it saw)."""
    chain = f"{spoofed}, {address}" if spoofed else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


@pytest.mark.parametrize("count,meta,expected", [
    (0, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "192.0.2.1"),  # no proxy: the header is the visitor's
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}, "203.0.113.9"),  # spoofed entry ignored
    (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9, 10.0.0.1"}, "203.0.113.9"),
    (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),  # shorter chain: the first hop
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
    (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "[2001:db8::1]:443"}, "2001:db8::1"),
    (1, {"REMOTE_ADDR": PROXY}, PROXY),
])
def test_client_ip_trusts_only_the_configured_proxies(rf, settings, count, meta, expected):
    from portal.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(rf.get("/", **meta)) == expected


def test_allauth_asks_the_same_function(rf, settings):
    from allauth.account.adapter import get_adapter

    settings.TRUSTED_PROXY_COUNT = 1
    assert get_adapter().get_client_ip(rf.get("/", **via_proxy(OTHER, spoofed=ATTACKER))) == OTHER


def test_allauth_proxy_count_comes_from_the_same_variable(tmp_path):
    env = clean_env(tmp_path, TRUSTED_PROXY_COUNT="2")
    result = manage(env, "shell", "-c",
                    "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["2", "2"]
    unset = manage(clean_env(tmp_path), "shell", "-c", "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT)")
    assert unset.stdout.splitlines()[-1] == "0"


@pytest.mark.django_db
def test_failed_logins_behind_the_proxy_lock_only_the_guesser(client, behind_proxy, settings):
    from django.test import Client

    member = make_member("bersaglio@comune.example.it")
    bystander = make_member("passante@comune.example.it")
    attempts = max(int(rate.split("/")[0]) for rate in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","))
    for _ in range(attempts + 1):
        client.post(reverse("account_login"), {"login": member.email, "password": "sbagliata"}, **via_proxy(ATTACKER))
    locked = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD}, **via_proxy(ATTACKER))
    assert "Troppi tentativi di accesso" in locked.content.decode(), "the guesser is stopped"

    other_visitor = Client()
    response = other_visitor.post(reverse("account_login"), {"login": bystander.email, "password": PASSWORD},
                                  **via_proxy(OTHER))
    assert response.status_code == 302, "another visitor behind the same proxy still logs in"

    the_member = Client()
    response = the_member.post(reverse("account_login"), {"login": member.email, "password": PASSWORD},
                               **via_proxy(MEMBER_HOME))
    assert response.status_code == 302, "a stranger's guesses never lock the member out"
    assert "_auth_user_id" in the_member.session


@pytest.mark.django_db
def test_newsletter_limit_counts_each_visitor_behind_the_proxy(client, behind_proxy):
    from newsletter.views.subscribe import IP_LIMIT_PER_HOUR

    for n in range(IP_LIMIT_PER_HOUR):
        client.post("/newsletter/iscrizione/", {"email": f"raffica{n}@example.it"}, **via_proxy(ATTACKER))
    assert client.post("/newsletter/iscrizione/", {"email": "ancora@example.it"}, **via_proxy(ATTACKER)).status_code == 429
    response = client.post("/newsletter/iscrizione/", {"email": "lettrice@example.it", "privacy": "on"}, **via_proxy(OTHER))
    assert response.status_code == 302, "another visitor behind the same proxy is not refused"


@pytest.mark.parametrize("value", ["uno", "-1"])
def test_a_malformed_proxy_count_stops_start_up(tmp_path, value):
    result = manage(clean_env(tmp_path, TRUSTED_PROXY_COUNT=value), "check")
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT" in (result.stderr + result.stdout)
