"""One page of each public template, served as production serves it: for the front-end budgets and Lighthouse.

``production_site(var_dir)`` starts ``gunicorn portal.wsgi`` (DEBUG off, WhiteNoise, compressed manifest
static files) on a private SQLite database with the demo content, and ``template_urls(env)`` names one URL
per template: the home, each listing, each detail type, search with facets, a zona and the newsletter page.
The same list feeds the budget tests (tests/e2e/test_frontend_budgets.py) and ``make bench``
(bench/lighthouse.py), so both judge the same pages.
"""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

from tests.support.app_server import Gunicorn, manage, prepare, production_env

_URLS_SCRIPT = r"""
import json
from urllib.parse import urlsplit
from cms.models import INDEX_PAGE_MODELS, INDEXED_PAGE_MODELS, Zona
from cms.models.listing import public_pages

def path(page):
    return urlsplit(page.get_url()).path

urls = {"home": "/"}
for model in INDEX_PAGE_MODELS:
    index = model.objects.live().public().first()
    if index is not None:
        urls["listing " + model._meta.model_name.removesuffix("indexpage")] = path(index)
for model in INDEXED_PAGE_MODELS:
    page = public_pages(model).first()
    if page is not None:
        urls["detail " + model._meta.model_name.removesuffix("page")] = path(page.specific)
urls["search"] = "/cerca/?q=inclusione"
zona = Zona.objects.order_by("slug").first()
if zona is not None:
    urls["zona"] = f"/zone/{zona.slug}/"
urls["newsletter"] = "/newsletter/"
print("URLS=" + json.dumps(urls))
"""


def template_urls(env: dict[str, str]) -> dict[str, str]:
    """{template label: path} on the demo content of ``env``'s database."""
    out = manage(env, "shell", "-c", _URLS_SCRIPT).stdout
    line = next(line for line in out.splitlines() if line.startswith("URLS="))
    return json.loads(line.removeprefix("URLS="))


@contextlib.contextmanager
def production_site(var_dir: Path, *, workers: int = 2):
    """(base URL, {label: path}) of gunicorn serving the demo content in production mode."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = production_env(var_dir)  # no DATABASE_URL, broker or Elasticsearch: SQLite in var_dir, database search
    prepare(env, demo=True)
    urls = template_urls(env)
    server = Gunicorn(env, workers=workers, log=var_dir / "gunicorn.log")
    server.start()
    try:
        yield server.base, urls
    finally:
        server.stop()
