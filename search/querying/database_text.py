"""The words of each page that Wagtail's database index does not hold, for the database search.

Wagtail's index (SQLite FTS5 in ``make run``, PostgreSQL full text in production) holds the
page fields declared in ``search_fields``: title, summary, body. Elasticsearch's documents also
hold the tags, the zona and topic names, the norm identifiers and the attachments' text
(``ContentPage.search_payload``). This module gives the database search the same words, folded
and lightly stemmed, per page and field, plus the vocabulary for the typo correction and the
folded titles for the autocomplete.

Built from the live pages in a few queries per page type and kept in this process until a page
is published, added or removed (the fingerprint) or ``MAX_AGE`` passes (a renamed zona, a
replaced attachment). The attachments' text is cached per file by ``search.engine.attachments``.
"""
from __future__ import annotations

import dataclasses
import difflib
import re
import threading
import time
from collections import Counter
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Count, Max
from wagtail.models import Page

from search.corpus import indexed_models
from search.engine.analysis import ITALIAN_STOP_WORDS, fold
from search.engine.attachments import attachments_text
from search.querying.facets import page_values

MAX_AGE = 300  # seconds
# Above this many pages the words are not held in the process (memory, build time): the database
# search then relies on Wagtail's index alone (title, summary, body), the rest still applies.
MAX_PAGES = 20_000
_WORD = re.compile(r"\w+", re.UNICODE)
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b)?")  # P.I.P.P.I., S.I.I.L: one word, as people type it
_STOP = frozenset(ITALIAN_STOP_WORDS)

# field -> weight of a query word found there (the body, in Wagtail's index, weighs 1)
TITLE, META, SUMMARY, ACRONYMS, ATTACHMENTS = "title", "meta", "summary", "acronyms", "attachments"
WEIGHTS = {TITLE: 3.0, META: 2.0, SUMMARY: 1.5, ACRONYMS: 1.0, ATTACHMENTS: 0.8}


def undotted(text: str) -> str:
    return _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text or "")


def words(text: str) -> list[str]:
    """Folded words without stop words and single letters (l'équipe -> equipe)."""
    return [w for w in _WORD.findall(fold(undotted(text))) if len(w) > 1 and w not in _STOP]


def stem(word: str) -> str:
    """A light Italian stem of a folded word: plural and gender endings off (sociali/sociale ->
    social, politiche/politica -> politic), enough to meet the forms a title and a query use."""
    if len(word) < 5 or word.isdigit():
        return word
    if word.endswith(("zioni", "zione")):
        return word[:-1]
    stemmed = word[:-1] if word[-1] in "aeio" else word
    if stemmed.endswith(("ch", "gh")):
        stemmed = stemmed[:-1]
    return stemmed


def stems(text: str) -> set[str]:
    return {stem(w) for w in words(text)}


@dataclasses.dataclass
class PageWords:
    fields: dict[str, frozenset[str]]  # field -> stems
    title: str  # folded, for the autocomplete
    published: float
    facets: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # facet name -> values
    day: date | None = None  # the main date (sort by date)
    published_at: datetime | None = None


def pairs(word: str) -> set[str]:
    """The letter pairs of a word (``casa`` -> ca, as, sa)."""
    return {word[i:i + 2] for i in range(len(word) - 1)}


class TypoIndex:
    """The vocabulary for the typo correction, found by first letter and letter pairs.

    A word two edits from another keeps all but at most six of its letter pairs (a swap of two
    neighbours changes three), so the candidates of a word are the words with its first letter,
    a length within two of its own and at least ``pairs - 6`` pairs in common (at least one):
    found from the lists of words holding each of its pairs, without reading the others.
    ``difflib`` then picks the closest among them. Answers are remembered (``MEMO`` words).
    """

    MEMO = 4096
    MAX_EDITS = 2

    def __init__(self, words_: set[str] | None = None):
        self.words: list[str] = []
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        self.memo: dict[str, list[str]] = {}
        self.lookups = 0  # lookups not answered from the memo
        self.compared = 0  # candidate words compared by difflib, over all lookups
        for word in sorted(words_ or ()):
            self.add(word)

    def add(self, word: str) -> None:
        number = len(self.words)
        self.words.append(word)
        for pair in pairs(word):
            self.by_pair.setdefault((word[0], pair), []).append(number)

    def __len__(self) -> int:
        return len(self.words)

    def candidates(self, word: str) -> list[str]:
        """The words that may be within two edits of ``word`` (and only those few)."""
        own = pairs(word)
        needed = max(1, len(own) - 3 * self.MAX_EDITS)
        shared: Counter = Counter()
        for pair in own:
            shared.update(self.by_pair.get((word[0], pair), ()))
        return [self.words[n] for n, count in shared.items()
                if count >= needed and abs(len(self.words[n]) - len(word)) <= self.MAX_EDITS]

    def close_words(self, word: str) -> list[str]:
        """Words of the vocabulary close to ``word`` (same first letter), closest first (up to 3)."""
        if not word:
            return []
        held = self.memo.get(word)
        if held is not None:
            return held
        self.lookups += 1
        candidates = self.candidates(word)
        self.compared += len(candidates)
        cutoff = 0.8 if len(word) < 8 else 0.75
        found = difflib.get_close_matches(word, candidates, n=3, cutoff=cutoff)
        if len(self.memo) >= self.MEMO:
            self.memo.clear()
        self.memo[word] = found
        return found


@dataclasses.dataclass
class Corpus:
    pages: dict[int, PageWords]
    vocabulary: TypoIndex  # folded words of titles, summaries, tags, names (4 letters or more)
    built: float
    complete: bool = True  # False: too many pages, nothing held (see MAX_PAGES)


_lock = threading.Lock()
_cached: dict[str, object] = {}


def fingerprint() -> tuple:
    """Changes when a page of the search is published, added, moved or removed, or when something
    else a page's words or facets come from changed (``invalidate``)."""
    row = Page.objects.live().type(*indexed_models()).aggregate(
        n=Count("pk"), published=Max("last_published_at"), latest=Max("latest_revision_created_at"),
    )
    return row["n"], row["published"], row["latest"], _generation()


# Bumped by ``invalidate`` in the shared cache, so every web process rebuilds (Redis in production;
# ``make run`` is one process with a local-memory cache).
GENERATION_KEY = "search:database:generation"


def _generation() -> int:
    try:
        return cache.get(GENERATION_KEY) or 0
    except Exception:  # the cache down: pages still change the fingerprint
        return 0


def invalidate() -> None:
    """Something outside a page changed what the page is found by (an approved adoption puts a
    practice under another zona): rebuild the words and facets at the next search."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet
        cache.set(GENERATION_KEY, 1, None)
    except Exception:  # the cache down: MAX_AGE still bounds the staleness
        pass


def corpus() -> Corpus:
    key = fingerprint()
    with _lock:
        held = _cached.get("corpus")
        if held is not None and _cached.get("key") == key and time.monotonic() - held.built < MAX_AGE:
            return held
    built = _build() if key[0] <= MAX_PAGES else Corpus({}, TypoIndex(), time.monotonic(), complete=False)
    with _lock:
        _cached.update(corpus=built, key=key)
    return built


def _build() -> Corpus:
    pages: dict[int, PageWords] = {}
    vocabulary: set[str] = set()
    for model in indexed_models():
        queryset = model.objects.live().prefetch_related(*getattr(model, "search_prefetch", ("topics",)))
        for page in queryset:
            meta = " ".join([
                *page.tag_names(),
                *(z.name for z in page.payload_zones()),
                *(t.name for t in page.topics.all()),
            ])
            attachments = attachments_text(page.attachment_ids()) if page.attachment_ids() else ""
            # the body is in Wagtail's index, where "P.I.P.P.I." is five letters: its dotted acronyms here
            acronyms = " ".join(m.group(0).replace(".", "") for m in _DOTTED.finditer(page.body_text() or ""))
            fields = {
                TITLE: frozenset(stems(page.title)),
                META: frozenset(stems(meta)),
                SUMMARY: frozenset(stems(page.summary)),
                ACRONYMS: frozenset(stems(acronyms)),
                ATTACHMENTS: frozenset(stems(attachments)),
            }
            published = page.last_published_at.timestamp() if page.last_published_at else 0.0
            pages[page.pk] = PageWords(fields, fold(page.title), published, page_values(page), page.main_date(),
                                       page.last_published_at)
            for word in words(" ".join([page.title, page.summary or "", meta])):
                if len(word) >= 4 and not word.isdigit():
                    vocabulary.add(word)
    return Corpus(pages, TypoIndex(vocabulary), time.monotonic())


def field_matches(corpus_: Corpus, term_stems: set[str], page_ids) -> dict[int, float]:
    """page id -> the weight of the best field holding every stem of the term."""
    out: dict[int, float] = {}
    if not term_stems:
        return out
    for page_id in page_ids:
        page = corpus_.pages.get(page_id)
        if page is None:
            continue
        best = 0.0
        for field, held in page.fields.items():
            if term_stems <= held:
                best = max(best, WEIGHTS[field])
        if best:
            out[page_id] = best
    return out
