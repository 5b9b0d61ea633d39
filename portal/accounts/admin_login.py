"""The Wagtail (and Django) admin login goes through allauth: one login, rate-limited, verified email."""
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def _safe_next(request, default: str) -> str:
    target = request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def admin_login(request, default_next: str = "/admin/"):
    """Replace the admin's own login form (no rate limit there) with allauth's.

    A logged-in user without admin access gets a clear 403 instead of a redirect loop
    between the admin and the login page.
    """
    target = _safe_next(request, default_next)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{resolve_url('account_login')}?{urlencode({'next': target})}")
    if request.user.has_perm("wagtailadmin.access_admin") or (default_next != "/admin/" and request.user.is_staff):
        return HttpResponseRedirect(target)
    return render(request, "accounts/admin_denied.html", status=403)
