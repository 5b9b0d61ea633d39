"""How Elasticsearch answers a search (the contract is ``search.querying.contract``).

``ElasticsearchBackend`` turns a request into two searches sent in one round trip (``msearch``):
the page of hits and the facet counts (each facet counted with the other facets' filters only,
unscored, so Elasticsearch answers a repeated search from its request cache). Matching and the
first ranking key, coverage of the query's words, are ``search.querying.relaxation``: strict
first, and only when that finds fewer than three pages one more ``msearch`` with the relaxed tier
(any word, typos tolerated) and the corrections (a third only to show a correction's results when
nothing holds the words as typed). Within equal coverage pages are ordered by BM25 on
``all_text``, then the boosts on title, summary and proximity are applied to the best 500
(a rescore: scoring them on every match of a common word was most of the cost). The total comes
from the facets' search, which visits every match anyway. Only the page of hits shown is
highlighted, with the words as typed (a fuzzy highlight re-analyses each page's text).
"""
from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime

from search.engine.analysis import content_words
from search.engine.versions import VersionedIndex
from search.querying.contract import BackendUnavailable, Hit, SearchRequest, SearchResult, build_facets
from search.querying.facets import FACETS, FACETS_BY_NAME, PAST, UPCOMING, timing_value, value_labels
from search.querying import relaxation
from search.querying.userquery import Clause, ParsedQuery, sanitize

logger = logging.getLogger(__name__)

RESCORE_WINDOW = 500  # best matches per shard that get the field and proximity boosts
FEW_RESULTS = 3
SELECTED = "selected"  # the facets' aggregation counting the matches with every selected value
FUZZINESS = "AUTO:6,10"  # OR alternatives only; plain words get theirs from the word as typed (relaxation)

BOOSTED_FIELDS = [
    "title^6", "title.exact^3", "summary^3", "body", "attachments^0.5",
    "zones.name.text^2", "topics.name.text^2", "tags.text^2", "act_ids.text^6", "related_act_ids.text",
]
PHRASE_FIELDS = ["title^8", "summary^4", "body^2", "attachments", "act_ids.text^8"]
HIGHLIGHT_FIELDS = ["title", "summary", "body", "attachments"]


def _as_date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --- Elasticsearch ---------------------------------------------------------------------------------
def _clause_query(clause: Clause, fuzzy: bool = True) -> dict:
    if clause.phrase:
        return {"match_phrase": {"all_text": {"query": clause.text}}}
    options = {"query": clause.text, "operator": "and"}
    if fuzzy:
        options.update(fuzziness=FUZZINESS, prefix_length=1, max_expansions=30)
    return {"match": {"all_text": options}}


def field_boosts(parsed: ParsedQuery) -> list[dict]:
    """Optional clauses that order the matches: the words in the title, summary, zona, topic,
    tags, and close together. Costly on common words (every match is scored on ten fields
    and its positions read), so the search applies them to the best matches only (rescore)."""
    boosts: list[dict] = []
    if parsed.words:
        words = parsed.words
        boosts.append({"multi_match": {"query": words, "fields": BOOSTED_FIELDS, "type": "best_fields", "tie_breaker": 0.3}})
        boosts.append({"multi_match": {"query": words, "fields": PHRASE_FIELDS, "type": "phrase", "slop": 3, "boost": 2}})
    for phrase in parsed.phrases:
        boosts.append({"multi_match": {"query": phrase, "fields": ["title^4", "summary^2"], "type": "phrase"}})
    return boosts


def text_query(parsed: ParsedQuery, relaxed: bool = False) -> dict:
    """Which pages match the user's words (no filters), scored by coverage first
    (``search.querying.relaxation``), then by the text; the cited act above the pages citing
    it. ``relaxed``: one covered word is enough and words tolerate typos. The other boosts
    are ``field_boosts``, applied by a rescore."""
    must: list[dict] = []
    should: list[dict] = []
    must_not: list[dict] = []
    covering = relaxation.matching(parsed, relaxation.RELAXED if relaxed else relaxation.STRICT, fuzzy=relaxed)
    if covering:
        must.append(covering)
        meaningful = content_words(parsed.words)
        if meaningful:
            # orders pages of equal coverage before the rescore picks its window: BM25 on the one
            # field holding every text (``all_text``). ``combined_fields`` over the seven text fields
            # ranked the judged queries the same and cost a third more on every match at 100k pages;
            # the per-field boosts come in the rescore.
            should.append({"match": {"all_text": {"query": meaningful}}})
    for phrase in parsed.phrases:
        must.append({"match_phrase": {"all_text": {"query": phrase}}})
    for group in parsed.any_of:
        must.append({"bool": {"should": [_clause_query(c, relaxed) for c in group], "minimum_should_match": 1}})
    for clause in parsed.excluded:
        must_not.append(_clause_query(clause, fuzzy=False))
    should.extend(relaxation.citation_boosts(parsed))
    if not must:
        must.append({"match_all": {}})
    return {"bool": {"must": must, "should": should, "must_not": must_not}}


def highlight_query(parsed: ParsedQuery) -> dict | None:
    """What is marked in the shown page's titles and fragments: the words as typed (stemmed,
    folded, synonyms), never their typo variants, in the relaxed tier too. A fuzzy query
    cannot use the offsets stored in the index: the highlighter would re-analyse the whole text
    of every shown page, which costs 5 to 10 times the search itself at 100k pages."""
    should: list[dict] = []
    for word in relaxation.units(parsed).words:
        should.append({"multi_match": {"query": word, "fields": HIGHLIGHT_FIELDS}})
    for phrase in parsed.phrases:
        should.append({"multi_match": {"query": phrase, "fields": HIGHLIGHT_FIELDS, "type": "phrase"}})
    for group in parsed.any_of:
        for clause in group:
            should.append({"multi_match": {
                "query": clause.text, "fields": HIGHLIGHT_FIELDS, "type": "phrase" if clause.phrase else "best_fields",
            }})
    return {"bool": {"should": should}} if should else None


def _total(facets_response: dict) -> int:
    """How many pages a search found, from its facets' answer (``ElasticsearchBackend.facets_body``)."""
    selected = facets_response.get("aggregations", {}).get(SELECTED)
    return selected["doc_count"] if selected else facets_response["hits"]["total"]["value"]


def facet_filter(name: str, values: tuple[str, ...]) -> dict:
    spec = FACETS_BY_NAME[name]
    if name == "timing":
        wanted = [v == UPCOMING for v in values if v in (UPCOMING, PAST)]
        return {"terms": {spec.field: wanted}}
    if name == "year":
        return {"terms": {spec.field: [int(v) for v in values]}}
    return {"terms": {spec.field: list(values)}}


def _selected_filters(request: SearchRequest) -> dict[str, dict]:
    return {name: facet_filter(name, values) for name, values in request.filters.items()}


def visibility_filter(request: SearchRequest) -> list[dict]:
    return [] if request.user_is_member else [{"term": {"restricted": False}}]


def matching_query(request: SearchRequest) -> dict:
    """Which documents a request finds, as one unscored query: its words as the strict tier
    matches them (``text_query``), its selected facets and its visitor's visibility.

    What a saved search (``alerts/``) stores in the percolator, so an alert matches the pages
    its search page finds. The relaxed tier is left out on purpose: it answers "nothing found,
    here is something close", which is no reason to write to anyone."""
    words = text_query(request.parsed)["bool"]
    return {"bool": {"filter": [
        {"bool": {"must": words["must"], "must_not": words["must_not"]}},
        *_selected_filters(request).values(),
        *visibility_filter(request),
    ]}}


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, client=None, index=None):
        self.index = index or VersionedIndex(client)
        self.client = self.index.client

    # the bodies are built separately so tests and the benchmark can look at them
    def body(self, request: SearchRequest, relaxed: bool = False) -> dict:
        """The page of hits: scored, highlighted, narrowed by the selected facets."""
        parsed = request.parsed
        selected = _selected_filters(request)
        boosts = field_boosts(parsed) if request.effective_sort == "relevance" else []
        body: dict = {
            "query": {"bool": {"must": [text_query(parsed, relaxed)], "filter": visibility_filter(request)}},
            "from": request.offset,
            "size": request.per_page,
            # counted by the facets' search, which visits every match anyway: unscored matches may
            # then be skipped here (only the best ``RESCORE_WINDOW`` per shard need a score)
            "track_total_hits": False,
            "_source": ["page_id", "title", "url", "content_type", "zones", "date", "summary", "restricted"],
        }
        if selected:
            body["post_filter"] = {"bool": {"filter": list(selected.values())}}
        if request.effective_sort == "date":
            body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, {"last_published_at": {"order": "desc"}}, "_score"]
        elif boosts:
            # The boosts re-rank a fixed window of the best matches: the same window on every
            # page, so pages neither repeat nor skip a hit (a rescore allows no other sort key).
            body["rescore"] = {"window_size": RESCORE_WINDOW, "query": {
                "rescore_query": {"bool": {"should": boosts}}, "query_weight": 1, "rescore_query_weight": 1,
            }}
        else:
            body["sort"] = ["_score", {"date": {"order": "desc", "missing": "_last"}}]
        highlight = highlight_query(parsed)
        if highlight:
            body["highlight"] = {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "highlight_query": highlight,
                "require_field_match": False,
                "fields": {
                    "title": {"number_of_fragments": 0},
                    "summary": {"number_of_fragments": 0},
                    "body": {"fragment_size": 180, "number_of_fragments": 2},
                    "attachments": {"fragment_size": 180, "number_of_fragments": 1},
                },
            }
        return body

    def facets_body(self, request: SearchRequest, relaxed: bool = False) -> dict:
        """The facet counts: the same matching pages, unscored (the boosts only order hits)."""
        words = text_query(request.parsed, relaxed)["bool"]
        matching = {"bool": {"must": words["must"], "must_not": words["must_not"]}}
        selected = _selected_filters(request)
        aggs = {}
        for spec in FACETS:
            others = [f for name, f in selected.items() if name != spec.name]
            aggs[spec.name] = {
                "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                "aggs": {"values": {"terms": {"field": spec.field, "size": spec.size}}},
            }
        if selected:  # the total of the page of hits: the matches with every selected value
            aggs[SELECTED] = {"filter": {"bool": {"filter": list(selected.values())}}}
        return {
            "query": {"bool": {"filter": [matching, *visibility_filter(request)]}},
            "size": 0,
            "track_total_hits": True,
            "aggs": aggs,
        }

    def suggest_body(self, request: SearchRequest) -> dict:
        """Corrections of the typed words ("forse cercavi"), from the indexed words and their pairs:
        only those the index makes likelier than the words as typed (``confidence`` 1), so offering
        one needs no further search."""
        return {"size": 0, "suggest": {"text": request.parsed.words.lower(), "fix": {"phrase": {
            "field": "spell.shingle", "size": 3, "max_errors": 2, "confidence": 1.0,
            "direct_generator": [{"field": "spell", "suggest_mode": "always", "min_word_length": 3}],
        }}}}

    def _msearch(self, *bodies: dict) -> list[dict]:
        index = self.index.read_alias
        searches = []
        for body in bodies:
            searches += [{"index": index}, body]
        answers = self._call(self.client.msearch, searches=searches)["responses"]
        for answer in answers:
            if "error" in answer:  # msearch reports each search's failure in its answer
                if answer.get("status") != 404:
                    logger.error("search: Elasticsearch refused a query: %s", answer["error"])
                raise BackendUnavailable(str(answer["error"]))
        return answers

    def _call(self, method, **kwargs):
        from elasticsearch import ApiError, NotFoundError, TransportError

        try:
            return method(**kwargs)
        except NotFoundError as exc:  # no index yet
            raise BackendUnavailable(f"index missing: {exc}") from exc
        except (TransportError, ConnectionError) as exc:
            raise BackendUnavailable(str(exc)) from exc
        except ApiError as exc:
            logger.error("search: Elasticsearch refused a query: %s", exc)
            raise BackendUnavailable(str(exc)) from exc

    def search(self, request: SearchRequest) -> SearchResult:
        """Strict first (all words, exact); when that finds fewer than three pages, one more
        round trip: the relaxed tier (any word, typos tolerated, coverage first) and the
        "forse cercavi" corrections likelier than the words as typed. Only
        when nothing holds the words as typed, not even the relaxed tier fully, and a correction
        does, a third: the correction's results, shown with a link back to the literal query."""
        parsed = request.parsed
        response, facets = self._msearch(self.body(request), self.facets_body(request))
        strict_total = _total(facets)
        relaxed, suggestion, corrected_from = False, None, None
        if strict_total < FEW_RESULTS and parsed.words:
            more, more_facets, spelled = self._msearch(
                self.body(request, relaxed=True), self.facets_body(request, relaxed=True), self.suggest_body(request),
            )
            if _total(more_facets) > strict_total:
                response, facets, relaxed = more, more_facets, True
            suggestion = self._correction(request, spelled)
        total = _total(facets)
        if suggestion and strict_total == 0 and not request.literal_only and (not total or self._partial(parsed, response)):
            # nothing holds the words as typed, the correction does: show its results
            better = dataclasses.replace(request, q=suggestion)
            found, found_facets = self._msearch(self.body(better), self.facets_body(better))
            fully = _total(found_facets)
            if fully:
                request, response, facets, total = better, found, found_facets, fully
                corrected_from, suggestion, relaxed = parsed.cleaned, None, False
            else:
                suggestion = None
        labels = value_labels()  # once per search: each read asks the cache for the content version
        hits = [self._hit(raw, request.parsed if relaxed else None, labels["type"]) for raw in response["hits"]["hits"]]
        return SearchResult(
            request=request, hits=hits, total=total, facets=build_facets(request, self._counts(facets), labels),
            suggestion=suggestion, backend=self.name,
            partial=relaxed and any(h.missing for h in hits[:1]), corrected_from=corrected_from,
        )

    @staticmethod
    def _partial(parsed: ParsedQuery, response: dict) -> bool:
        first = response["hits"]["hits"][:1]
        return bool(first and relaxation.missing(parsed, first[0].get("matched_queries", [])))

    @staticmethod
    def _correction(request: SearchRequest, spelled: dict) -> str | None:
        typed = request.parsed.words.lower().strip()
        for option in spelled["suggest"]["fix"][0]["options"] if spelled["suggest"]["fix"] else []:
            if option["text"].strip() != typed:
                return option["text"]
        return None

    @staticmethod
    def _hit(raw: dict, relaxed_query: ParsedQuery | None, labels: dict[str, str]) -> Hit:
        source = raw.get("_source", {})
        highlight = raw.get("highlight", {})
        fragments = highlight.get("summary", []) + highlight.get("body", []) + highlight.get("attachments", [])
        return Hit(
            page_id=int(source.get("page_id") or raw["_id"]),
            title=source.get("title", ""),
            url=source.get("url", ""),
            content_type=source.get("content_type", ""),
            type_label=labels.get(source.get("content_type", ""), source.get("content_type", "")),
            zones=[z.get("name", "") for z in source.get("zones") or []],
            date=_as_date(source.get("date")),
            summary=source.get("summary", ""),
            title_html=(highlight.get("title") or [None])[0],
            fragments=fragments[:3],
            restricted=bool(source.get("restricted")),
            score=raw.get("_score"),
            missing=relaxation.missing(relaxed_query, raw.get("matched_queries", [])) if relaxed_query else [],
        )

    @staticmethod
    def _counts(facets: dict) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for spec in FACETS:
            values = {}
            for bucket in facets["aggregations"][spec.name]["values"]["buckets"]:
                key = timing_value(bool(bucket["key"])) if spec.name == "timing" else str(bucket["key"])
                values[key] = bucket["doc_count"]
            counts[spec.name] = values
        return counts

    def autocomplete(self, q: str, user_is_member: bool = False, size: int = 8) -> list[dict]:
        text = sanitize(q)[:100]
        if len(text) < 2:
            return []
        response = self._call(self.client.search, index=self.index.read_alias, body={
            "size": size,
            "_source": ["title", "url", "content_type"],
            "query": {"bool": {
                "must": [{"match": {"title.suggest": {"query": text, "operator": "and"}}}],
                "should": [{"match_phrase_prefix": {"title.exact": {"query": text}}}, {"match": {"title": text}}],
                "filter": [] if user_is_member else [{"term": {"restricted": False}}],
            }},
        })
        labels = value_labels()["type"]
        return [
            {
                "title": h["_source"].get("title", ""),
                "url": h["_source"].get("url", ""),
                "type": h["_source"].get("content_type", ""),
                "type_label": labels.get(h["_source"].get("content_type", ""), ""),
            }
            for h in response["hits"]["hits"]
        ]

