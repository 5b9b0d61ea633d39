"""The public search page."""
from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.none()
    if query:
        results = Page.objects.live().public().search(query)
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(request, "search/search.html", {"query": query, "results": page})
