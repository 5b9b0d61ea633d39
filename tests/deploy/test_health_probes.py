"""Health probes answer a load balancer over plain HTTP and by IP, under the production redirect and host check.

Everything else keeps the production rules: a plain-HTTP page is redirected to https and
an unknown Host is refused (400).
"""
from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PUBLIC_HOST = "inclusione.example.it"
PROBE_HOST = "10.0.0.7"  # a load balancer addresses each web worker by IP


@pytest.fixture
def production_rules(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [PUBLIC_HOST]
    return Client()  # created after the settings: its middleware reads them


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_answer_over_plain_http_by_ip_address(production_rules, path):
    response = production_rules.get(path, HTTP_HOST=PROBE_HOST)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert json.loads(response.content)["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_health_probe_answers_head_too(production_rules):
    assert production_rules.head("/healthz", HTTP_HOST=PROBE_HOST).status_code == 200


def test_pages_keep_the_https_redirect_and_the_host_check(production_rules):
    redirected = production_rules.get("/", HTTP_HOST=PUBLIC_HOST)
    assert redirected.status_code == 301 and redirected["Location"] == f"https://{PUBLIC_HOST}/"
    assert production_rules.get("/", HTTP_HOST=PROBE_HOST, HTTP_X_FORWARDED_PROTO="https").status_code == 400
    assert production_rules.get("/healthzz", HTTP_HOST=PUBLIC_HOST).status_code == 301, "only the probes are exempt"
