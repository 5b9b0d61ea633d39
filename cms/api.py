"""Wagtail's read-only API v2 (pages only: live and public, as the endpoint enforces).

Its query parameters come from anyone: each is checked here before it reaches the
database, so a malformed one is a 400 with an Italian message, never a 500 (a huge
offset, an id beyond 64 bits, a NUL byte, FTS5 syntax in ``search``).
"""
import re

from django.utils.translation import gettext as _
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from portal.ids import MAX_ID, bounded_int

# Parameters naming a page id (or, as field filters, a zona's: ``?zona=``, ``?other_zones=`` of a practice),
# and the paging counts: plain non-negative integers in range. A many-to-many filter reaches the database
# without Wagtail's conversion, so a word there would be an error page.
ID_PARAMETERS = ("id", "child_of", "ancestor_of", "descendant_of", "translation_of", "zona", "other_zones")
COUNT_PARAMETERS = ("offset", "limit")
SEARCH_OPERATORS = ("and", "or")
WORD = re.compile(r"\w+")
# The database backend nests one SQL node per word: thousands of words exhaust Python's recursion limit.
MAX_SEARCH_WORDS = 32


def check_parameters(query) -> None:
    """Refuse (BadRequestError, answered 400) the parameters no page query can use."""
    for name, value in query.items():
        if "\x00" in name or "\x00" in value:
            raise BadRequestError(_("Il parametro %(name)s contiene caratteri non ammessi.") % {"name": name.replace("\x00", "")})
    for name in ID_PARAMETERS + COUNT_PARAMETERS:
        if name in query:
            try:
                bounded_int(query[name], maximum=MAX_ID // 2)  # offset + limit stays in range too
            except ValueError:
                raise BadRequestError(_("Il parametro %(name)s deve essere un numero intero non negativo.") % {"name": name}) from None
    operator = query.get("search_operator")
    if operator is not None and operator not in SEARCH_OPERATORS:
        raise BadRequestError(_("Il parametro search_operator accetta solo \"and\" oppure \"or\"."))


class PlainTextSearchFilter(SearchFilter):
    """``?search=`` as plain words: punctuation is not query syntax here.

    The database backend hands the text to SQLite's FTS5, whose syntax ('"', '+', 'NEAR(' ...)
    would raise an error on a visitor's stray quote; every backend splits words on punctuation
    anyway, so keeping only the words changes no result.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError(_("Non si può cercare e filtrare per tag nella stessa richiesta."))
        found = WORD.findall(request.GET["search"])
        if len(found) > MAX_SEARCH_WORDS:
            raise BadRequestError(_("La ricerca può contenere al massimo %(count)d parole.") % {"count": MAX_SEARCH_WORDS})
        words = " ".join(found)
        if not words:
            return queryset.none()
        try:
            return get_search_backend().search(
                words, queryset, operator=request.GET.get("search_operator"), order_by_relevance="order" not in request.GET,
            )
        except (FilterFieldError, OrderByFieldError) as exc:
            raise BadRequestError(_("Il campo %(name)s non si può usare in una ricerca.") % {"name": exc.field_name}) from exc

from cms.visibility import visible


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Public pages only, whoever asks.

    Wagtail lets any logged-in user through a "login" view restriction; on this portal
    reserved content is for members with a verified e-mail, and the API is a public
    channel: restricted pages (their descendants and their aliases) never leave through it.
    """

    filter_backends = [PlainTextSearchFilter if f is SearchFilter else f for f in PagesAPIViewSet.filter_backends]

    def check_query_parameters(self, queryset):
        check_parameters(self.request.GET)
        super().check_query_parameters(queryset)

    def get_base_queryset(self):
        return visible(super().get_base_queryset())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
