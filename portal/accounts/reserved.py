"""Responses for reserved content: the title and a login (or verify-your-email) prompt, never the content."""
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def reserved_response(request, title: str):
    response = render(
        request, "accounts/members_only.html", {"title": title, "next": request.get_full_path()}, status=403
    )
    add_never_cache_headers(response)
    return response
