"""How Elasticsearch answers a search (the contract is ``search.querying.contract``).

``ElasticsearchBackend`` turns a
request into two searches sent in one round trip (``msearch``): the page of hits, where
all words must match the ``all_text`` field (stemmed, synonyms at search time; typo
tolerance on longer words only when the exact query finds almost nothing, because fuzzy
expansion is the costly part), norm identifiers boosted, boosts on title, summary and
phrase proximity applied to the best 500 matches (a rescore: scoring them on every match
of a common word was most of the rest), facet filters in ``post_filter``; and the facet
counts, each computed with the other facets' filters only. The counts need no scores and
no hits, so Elasticsearch runs them in filter context and answers a repeated search from
its shard request cache until the index changes: they were most of the time of a common
query at 100k pages.
"""
from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime

from search.engine.analysis import content_words
from search.engine.versions import VersionedIndex
from search.querying.contract import BackendUnavailable, Hit, SearchRequest, SearchResult, build_facets
from search.querying.facets import FACETS, FACETS_BY_NAME, PAST, UPCOMING, timing_value, value_labels
from search.querying.userquery import Clause, ParsedQuery, sanitize

logger = logging.getLogger(__name__)

RESCORE_WINDOW = 500  # best matches per shard that get the field and proximity boosts
FEW_RESULTS = 3
FUZZINESS = "AUTO:6,10"  # on stemmed words: exact under 6 letters, one typo up to 9, two from 10
ALL_WORDS = "3<75%"  # up to three words: all of them; more: three quarters

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


def text_query(parsed: ParsedQuery, fuzzy: bool = True) -> dict:
    """Which pages match the user's words (no filters), with a norm's identifiers boosted;
    ``fuzzy`` lets longer words match with a typo or two (expensive: each word expands to
    its neighbours). The other boosts are ``field_boosts``, applied by a rescore."""
    must: list[dict] = []
    should: list[dict] = []
    must_not: list[dict] = []
    if parsed.words:
        words = parsed.words
        def all_of(text):
            options = {"query": text, "minimum_should_match": ALL_WORDS}
            if fuzzy:
                options.update(fuzziness=FUZZINESS, prefix_length=1, max_expansions=30)
            return {"match": {"all_text": options}}

        # Required: the content words (stop words are optional), or the whole text, whose
        # multi-word synonyms may match ("Società della Salute" finds a page saying "SdS").
        meaningful = content_words(words)
        if meaningful and meaningful != words:
            must.append({"bool": {"should": [all_of(meaningful), all_of(words)], "minimum_should_match": 1}})
        else:
            must.append(all_of(words))
    for phrase in parsed.phrases:
        must.append({"match_phrase": {"all_text": {"query": phrase}}})
    for group in parsed.any_of:
        must.append({"bool": {"should": [_clause_query(c, fuzzy) for c in group], "minimum_should_match": 1}})
    for clause in parsed.excluded:
        must_not.append(_clause_query(clause, fuzzy=False))
    cited = parsed.positive_text()
    if cited:
        # "544/2023", "DGR 544", "delibera 544 del 2023": the act itself first, then pages citing it.
        # Constant scores: every page carrying identifiers would otherwise flatten the idf.
        def fixed(query, boost):
            return {"constant_score": {"filter": query, "boost": boost}}

        should.extend([
            fixed({"term": {"act_ids": cited}}, 50),
            fixed({"match_phrase": {"act_ids.text": {"query": cited, "slop": 2}}}, 20),
            fixed({"term": {"related_act_ids": cited}}, 3),
            fixed({"match_phrase": {"related_act_ids.text": {"query": cited, "slop": 2}}}, 2),
        ])
    if not must:
        must.append({"match_all": {}})
    return {"bool": {"must": must, "should": should, "must_not": must_not}}


def highlight_query(parsed: ParsedQuery, fuzzy: bool = True) -> dict | None:
    should: list[dict] = []
    if parsed.words:
        words = {"query": parsed.words, "fields": HIGHLIGHT_FIELDS}
        if fuzzy:
            words.update(fuzziness=FUZZINESS, prefix_length=1)
        should.append({"multi_match": words})
    for phrase in parsed.phrases:
        should.append({"multi_match": {"query": phrase, "fields": HIGHLIGHT_FIELDS, "type": "phrase"}})
    for group in parsed.any_of:
        for clause in group:
            should.append({"multi_match": {
                "query": clause.text, "fields": HIGHLIGHT_FIELDS, "type": "phrase" if clause.phrase else "best_fields",
            }})
    return {"bool": {"should": should}} if should else None


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


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, client=None, index=None):
        self.index = index or VersionedIndex(client)
        self.client = self.index.client

    # the bodies are built separately so tests and the benchmark can look at them
    def body(self, request: SearchRequest, fuzzy: bool = False) -> dict:
        """The page of hits: scored, highlighted, narrowed by the selected facets."""
        parsed = request.parsed
        selected = _selected_filters(request)
        boosts = field_boosts(parsed) if request.effective_sort == "relevance" else []
        body: dict = {
            "query": {"bool": {"must": [text_query(parsed, fuzzy)], "filter": visibility_filter(request)}},
            "from": request.offset,
            "size": request.per_page,
            "track_total_hits": True,
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
        highlight = highlight_query(parsed, fuzzy)
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

    def facets_body(self, request: SearchRequest, fuzzy: bool = False) -> dict:
        """The facet counts: the same matching pages, unscored (the boosts only order hits)."""
        words = text_query(request.parsed, fuzzy)["bool"]
        matching = {"bool": {"must": words["must"], "must_not": words["must_not"]}}
        selected = _selected_filters(request)
        aggs = {}
        for spec in FACETS:
            others = [f for name, f in selected.items() if name != spec.name]
            aggs[spec.name] = {
                "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                "aggs": {"values": {"terms": {"field": spec.field, "size": spec.size}}},
            }
        return {
            "query": {"bool": {"filter": [matching, *visibility_filter(request)]}},
            "size": 0,
            "track_total_hits": False,
            "aggs": aggs,
        }

    def _hits_and_facets(self, request: SearchRequest, fuzzy: bool) -> tuple[dict, dict]:
        index = self.index.read_alias
        response = self._call(self.client.msearch, searches=[
            {"index": index}, self.body(request, fuzzy),
            {"index": index}, self.facets_body(request, fuzzy),
        ])
        hits, facets = response["responses"]
        for answer in (hits, facets):
            if "error" in answer:  # msearch reports each search's failure in its answer
                if answer.get("status") != 404:
                    logger.error("search: Elasticsearch refused a query: %s", answer["error"])
                raise BackendUnavailable(str(answer["error"]))
        return hits, facets

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
        # Exact (stemmed, folded, synonyms) first; only when that finds almost nothing, again
        # with typo tolerance: fuzzy expansion of every word costs most of a query's time.
        response, facets = self._hits_and_facets(request, fuzzy=False)
        total = response["hits"]["total"]["value"]
        if total < FEW_RESULTS and request.parsed.has_positive:
            response, facets = self._hits_and_facets(request, fuzzy=True)
            total = response["hits"]["total"]["value"]
        labels = value_labels()["type"]
        hits = []
        for raw in response["hits"]["hits"]:
            source = raw.get("_source", {})
            highlight = raw.get("highlight", {})
            fragments = highlight.get("summary", []) + highlight.get("body", []) + highlight.get("attachments", [])
            hits.append(Hit(
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
            ))
        counts: dict[str, dict[str, int]] = {}
        for spec in FACETS:
            buckets = facets["aggregations"][spec.name]["values"]["buckets"]
            values = {}
            for bucket in buckets:
                if spec.name == "timing":
                    key = timing_value(bool(bucket["key"]))
                else:
                    key = str(bucket["key"])
                values[key] = bucket["doc_count"]
            counts[spec.name] = values
        suggestion = None
        if total < FEW_RESULTS and request.parsed.words:
            suggestion = self.suggest(request, total)
        return SearchResult(
            request=request, hits=hits, total=total, facets=build_facets(request, counts),
            suggestion=suggestion, backend=self.name,
        )

    def suggest(self, request: SearchRequest, total: int) -> str | None:
        """A corrected query ("forse cercavi") that finds more than the current one, or None."""
        words = request.parsed.words
        try:
            response = self._call(self.client.search, index=self.index.read_alias, body={
                "size": 0,
                "suggest": {"text": words.lower(), "fix": {"phrase": {
                    "field": "spell.shingle", "size": 3, "max_errors": 2, "confidence": 0.0,
                    "direct_generator": [{"field": "spell", "suggest_mode": "always", "min_word_length": 3}],
                }}},
            })
        except BackendUnavailable:
            return None
        options = [o["text"] for o in response["suggest"]["fix"][0]["options"]]
        for text in options:
            if text.strip() == words.lower().strip():
                continue
            better = dataclasses.replace(request, q=text, filters=request.filters, page=1)
            try:
                found = self._call(self.client.count, index=self.index.read_alias, body={
                    "query": {"bool": {"must": [text_query(better.parsed)], "filter": visibility_filter(request)}},
                })["count"]
            except BackendUnavailable:
                return None
            if found > total:
                return text
        return None

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

