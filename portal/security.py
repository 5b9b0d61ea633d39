"""Security headers Django does not set by itself: a nonce-based CSP and a few policies.

The public site allows scripts only from our own origin (or carrying the
request's nonce); no 'unsafe-inline' for scripts. Styles keep 'unsafe-inline'
because Bootstrap Italia's components set style attributes at run time.
"""
import secrets

from django.conf import settings

PUBLIC_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'self'"
)
# Wagtail's admin still ships inline event handlers in a few widgets.
ADMIN_POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "frame-src 'self' https:; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "frame-ancestors 'self'"
)
ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:  # documents set their own, stricter one
            if request.path.startswith(ADMIN_PREFIXES):
                response["Content-Security-Policy"] = ADMIN_POLICY
            else:
                response["Content-Security-Policy"] = PUBLIC_POLICY.format(nonce=request.csp_nonce)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not settings.DEBUG:
            response.setdefault("X-Content-Type-Options", "nosniff")
        return response
