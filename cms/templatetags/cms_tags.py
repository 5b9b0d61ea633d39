"""Template helpers of the content pages: breadcrumbs, JSON-LD, charts, filter links."""
import html
import re

from django import template
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.http import urlencode
from django.utils.translation import gettext

from cms import charts, public_tag_names, seo

register = template.Library()


@register.inclusion_tag("cms/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None, extra=None):
    """Home > ... > page. ``extra`` adds a last crumb that is not a page (e.g. a zona)."""
    page = page or context.get("page")
    crumbs = []
    if page is not None:
        ancestors = page.get_ancestors().filter(depth__gte=2).only("title", "url_path", "path", "depth")
        crumbs = [{"title": a.title, "url": a.get_url(context.get("request"))} for a in ancestors]
        crumbs.append({"title": page.title, "url": None})
        crumbs[0]["title"] = gettext("Home")  # the site's root, named as on the search and newsletter breadcrumbs
    for title, url in extra or []:
        crumbs.append({"title": title, "url": url})
    if crumbs:
        crumbs[-1]["url"] = None
    return {"crumbs": crumbs}


@register.simple_tag
def jsonld(data):
    return seo.render_jsonld(data)


@register.simple_tag
def bar_chart(points, title, chart_id):
    return charts.bar_chart(points, title, chart_id)


@register.filter
def figure(value, unit=""):
    """'51.599.773 euro' as HTML whose number never breaks across lines (cms.css .figure-number)."""
    return charts.format_figure_html(value, unit)


@register.simple_tag(takes_context=True)
def page_querystring(context, number):
    listing = context.get("listing")
    qs = listing.querystring if listing else ""
    return "?" + (f"{qs}&" if qs else "") + urlencode({"page": number}) + "#risultati"


@register.simple_tag(takes_context=True)
def active_filters(context, form):
    """The filters a listing applies, each with the address that removes it: the chips above the
    results, so a phone shows what narrowed the list without opening the folded filters."""
    request = context["request"]
    chips = []
    for name, value in form.active().items():
        field = form.fields[name]
        if hasattr(value, "pk"):
            label = str(value)
        else:
            label = {str(key): text for key, text in field.choices}.get(str(value), value)
        params = request.GET.copy()
        for dropped in (name, "page"):
            params.pop(dropped, None)
        chips.append({"group": field.label, "label": label, "remove_url": f"?{params.urlencode()}#risultati"})
    return chips


@register.filter
def public_tags(page) -> list[str]:
    """The page's tags a visitor may see (not the newsletter's internal selection tag)."""
    return public_tag_names(page.tag_names())


@register.filter
def lines(text):
    """The non-empty lines of a text field (also split on ';')."""
    return [part.strip() for part in (text or "").replace(";", "\n").splitlines() if part.strip()]


@register.filter
def page_window(page_obj):
    """The page numbers to show around the current one, with ellipses (never a loop over 8,000 pages)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.simple_tag
def event_date(page):
    """The date an event card shows (its next occurrence, cms.events); None for other pages."""
    from cms.events import display_date

    return display_date(page)


PAGE_INDEX_MIN = 3  # a page with this many sections gets an index ("Indice della pagina")
_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<inner>.*?)</h2>", re.S)
_ID = re.compile(r'\sid="([^"]+)"')


@register.tag
def page_index(parser, token):
    """``{% page_index %}...{% endpage_index %}``: the enclosed HTML, preceded by an index of its h2
    sections when it has at least PAGE_INDEX_MIN (server-side: the links work without JavaScript).
    Headings without an id get one; visually hidden headings are not listed."""
    nodelist = parser.parse(("endpage_index",))
    parser.delete_first_token()
    return PageIndexNode(nodelist)


class PageIndexNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        entries, used = [], set()

        def anchor(match):
            attrs, inner = match["attrs"], match["inner"]
            if "visually-hidden" in attrs:
                return match[0]
            text = html.unescape(strip_tags(inner)).strip()
            found = _ID.search(attrs)
            if found:
                ident = found[1]
            else:
                base = ident = f"sezione-{slugify(text) or len(entries) + 1}"
                n = 2
                while ident in used:
                    ident, n = f"{base}-{n}", n + 1
                attrs += f' id="{ident}"'
            used.add(ident)
            entries.append((ident, text))
            return f"<h2{attrs}>{inner}</h2>"

        content = _H2.sub(anchor, content)
        if len(entries) < PAGE_INDEX_MIN:
            return mark_safe(content)
        return mark_safe(render_to_string("cms/includes/page_index.html", {"entries": entries}) + content)


@register.simple_tag
def public_page_url(page) -> str:
    """The page's address on the public origin (portal.public_urls): what share links carry."""
    from portal import public_urls

    return public_urls.page_url(page)
