"""What a page type contributes to the rest of the portal, declared once on the page type.

A content page type is read by several consumers: the structured data of its page (cms.seo),
the RSS/Atom feeds (cms.feeds), the newsletter (newsletter.editions) and the search (through
``search_payload()``). Each page type states here, next to its fields, what it gives each of
them, so that adding a page type means writing its class and its template, not editing a
table in every consumer.

The values are neutral: cms must not import the newsletter (import-linter's app layers), so a
page type names its newsletter section by the section's value (``"seminari"``) and says what
the newsletter does with it in plain flags; newsletter.editions reads them.
tests/cms/test_page_declarations.py checks that every concrete page type declares them all.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NewsletterDeclaration:
    """How a page type enters an edition of the newsletter."""

    section: str  # the value of the newsletter's Section that holds it ("normativa", "seminari", ...)
    label: str  # the kind shown above each item in the mail and in the archive ("Norma")
    # An event: in the edition also when it takes place in the window or soon after it
    # (materials of past ones, dates of upcoming ones), not only when first published.
    announced_as_event: bool = False
    # News when republished (changed) in the window too, not only when first published ("new and
    # changed norms").
    news_when_changed: bool = False


@dataclass(frozen=True)
class FeedDeclaration:
    """The RSS/Atom feed of a page type: /feeds/<slug>/rss/ and /feeds/<slug>/atom/.

    What each item shows beyond the defaults is asked of the page: ``feed_item_title()`` and
    ``feed_item_pubdate()`` (cms.models.base.ContentPage).
    """

    slug: str
    title: str  # a lazy translation: the feed's name
    ordering: tuple[str, ...]  # newest first, as the listing orders them
    aliases: tuple[str, ...] = ()  # other slugs that reach the same feed (the English ones)
    select_related: tuple[str, ...] = ()  # the relations the items read, fetched with them


@dataclass(frozen=True)
class FacetDeclaration:
    """A search facet only some page types have (the practices' evaluation level).

    The search reads it everywhere a facet matters: the keyword field of the index (named after
    ``attribute``), the value in each page's document, the filter and the counts of both backends,
    the GET parameter, the group's title and its values' labels on the search page and in the alerts.
    The facets every content page has (type, zona, Azienda USL, area tematica, year, events) are the
    search's own (search.querying.facets).
    """

    name: str  # the key of the search request's filters ("level")
    param: str  # the GET parameter ("livello")
    label: str  # a lazy translation: the title of the group of checkboxes
    attribute: str  # the page's field holding the one value; also the index field
    choices: type  # the field's TextChoices: the valid values and their labels
    size: int = 50  # how many values the search page lists at most
    order: str = "count"  # "count" (most first) or "label"

    def value_of(self, page) -> str | None:
        return getattr(page, self.attribute, None) or None

    def labels(self) -> dict[str, str]:
        """value -> label, in the active language."""
        return {value: str(label) for value, label in self.choices.choices}

    def is_value(self, value: str) -> bool:
        return value in self.choices.values
