"""A shared cache of the public pages as anonymous visitors see them.

Why by hand: Django's cache middleware would store the CSP nonce with the page and
serve the same nonce to everybody, it skips every page with a form (the language switch
in the header is one, on every page), and it cannot tell which views are safe to cache.
Here only an allowlist of read-only views is cached (Wagtail pages, zona pages), only
for visitors without a session or messages, only answers that are 200 and set no cookie.
A stored page holds placeholders where the nonce and the CSRF tokens were; each visitor
gets the page with their own nonce and their own token (and the CSRF cookie it belongs to).

Invalidation: every saved or deleted row of the content apps changes the content
version (portal/content_version.py) that is part of every key, so a publication shows
at once; a TTL bounds what no signal announces (an event moving from "in programma" to "passato").
Enabled when a shared cache is configured (CACHE_URL): with a per-process cache the
processes of one server could not tell each other about a publication.
"""
from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve

from portal import content_version

CACHED_VIEWS = {"wagtail_serve", "cms:zona_list", "cms:zona_detail", "cms:site_map"}
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage
STORED_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag")
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = "\x00csrf\x00"


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False  # logged in, a passed page password, or a message to show: personal
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in CACHED_VIEWS


def _key(request) -> str:
    raw = f"{request.get_host()}|{request.get_full_path()}|{getattr(request, 'LANGUAGE_CODE', '')}"
    return f"pagecache:{content_version.current()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _cacheable_response(request, response) -> bool:
    user = getattr(request, "user", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not (user is not None and user.is_authenticated)
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        nonce = getattr(request, "csp_nonce", "")
        stored = cache.get(key)
        if stored is not None:
            return self._replay(request, stored, nonce)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            body = CSRF_FIELD.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset))
            headers = {h: response[h] for h in STORED_HEADERS if h in response}
            cache.set(key, {"body": body, "nonce": nonce, "headers": headers}, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _replay(request, stored: dict, nonce: str):
        from django.http import HttpResponse
        from django.middleware.csrf import get_token

        body = stored["body"]
        if stored["nonce"] and nonce:
            body = body.replace(stored["nonce"], nonce)
        if CSRF_PLACEHOLDER in body:  # this visitor's token; the CSRF middleware sets the matching cookie
            body = body.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(body)
        for header, value in stored["headers"].items():
            response[header] = value
        response["X-Page-Cache"] = "hit"
        return response
