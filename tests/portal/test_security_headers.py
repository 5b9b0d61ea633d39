"""Security headers on every public answer: CSP without inline scripts, and the rest."""
import re

import pytest

pytestmark = pytest.mark.django_db


def test_public_pages_carry_a_nonce_based_csp_without_unsafe_inline_scripts(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert re.search(r"'nonce-[A-Za-z0-9_-]{16,}'", script_src)
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_each_response_gets_a_fresh_nonce(client):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert first != second


def test_public_templates_have_no_inline_scripts(client):
    body = client.get("/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or "application/ld+json" in tag or "nonce=" in tag, tag


def test_health_probes_answer_json(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["checks"]["database"] == "ok"


def test_robots_txt_points_to_the_sitemap(client, settings):
    settings.PUBLIC_BASE_URL = "https://cdp.example.org"
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://cdp.example.org/sitemap.xml" in body, "on the public origin, not the request's host"
    assert "Disallow: /admin/" in body
