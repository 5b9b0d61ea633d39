"""Synonym rules: the data file, the editors' rules, and how they reach Elasticsearch.

The rules (Solr format, see search/data/synonyms.txt) feed a search-time
``synonym_graph`` filter. On nodes with the synonyms API (Elasticsearch 8.10+,
and the test harness) the filter reads a *synonyms set*: ``PUT _synonyms/<set>``
replaces the rules and Elasticsearch reloads the search analyzers in place, so an
edit takes effect within seconds and nothing is reindexed. On a node without the
API the rules are written into the index settings instead, and an edit triggers
the zero-downtime reindex (``search.reindex`` task) that rebuilds the index with
the new rules.
"""
from __future__ import annotations

import hashlib
import logging

from django.conf import settings

from search.engine.client import for_cluster_changes
from search.engine.synonym_rules import SynonymSyntaxError, normalise_rule
from search.models import SynonymRule

logger = logging.getLogger(__name__)

MODE_SET = "set"
MODE_INLINE = "inline"


def all_rules() -> list[tuple[str, str]]:
    """(id, rule) for the data file and the enabled rules of the admin (``SynonymRule.all_rules``)."""
    return SynonymRule.all_rules()


def rules_digest(rules: list[tuple[str, str]]) -> str:
    return hashlib.sha256("\n".join(r for _i, r in rules).encode()).hexdigest()[:16]


def set_name(prefix: str | None = None) -> str:
    return f"{(prefix or settings.ELASTICSEARCH_INDEX_PREFIX or 'cdp').lower()}-synonyms"


def api_available(client) -> bool:
    """Whether the node has the synonyms API (Elasticsearch 8.10+)."""
    from elasticsearch import ApiError

    try:
        client.synonyms.get_synonyms_sets(size=1)
        return True
    except ApiError as exc:
        if exc.status_code in (400, 404, 405, 410):
            return False
        raise


def push_set(client, rules: list[tuple[str, str]] | None = None, prefix: str | None = None) -> dict:
    """Replace the synonyms set with the current rules; Elasticsearch reloads analyzers in place."""
    rules = all_rules() if rules is None else rules
    response = for_cluster_changes(client).synonyms.put_synonym(
        id=set_name(prefix), synonyms_set=[{"id": rule_id, "synonyms": rule} for rule_id, rule in rules]
    )
    return dict(response)


def analysis_options(client, prefix: str | None = None) -> tuple[dict, dict]:
    """(kwargs for analysis_settings, _meta for the index) for a new index.

    With the synonyms API the set is pushed first (an index cannot refer to a missing set),
    unless Elasticsearch already holds these very rules: a push reloads the search
    analyzers of every index using the set, which takes seconds and changes nothing then.
    """
    rules = all_rules()
    meta = {"synonyms_digest": rules_digest(rules)}
    if api_available(client):
        _push_unless_held(client, rules, prefix)
        return {"synonyms_set": set_name(prefix)}, {**meta, "synonyms_mode": MODE_SET}
    return {"inline_synonyms": [r for _i, r in rules]}, {**meta, "synonyms_mode": MODE_INLINE}


def delete_set(client, prefix: str | None = None) -> None:
    from elasticsearch import NotFoundError

    try:
        for_cluster_changes(client).synonyms.delete_synonym(id=set_name(prefix))
    except NotFoundError:
        pass


def ensure_in_sync(client, prefix: str | None = None) -> bool:
    """Push the set if Elasticsearch holds other rules than ours; True if it pushed."""
    if not api_available(client):
        return False
    return _push_unless_held(client, all_rules(), prefix)


def _push_unless_held(client, rules: list[tuple[str, str]], prefix: str | None) -> bool:
    """Push ``rules`` unless the set already holds exactly them (a push reloads every
    search analyzer using the set); True if it pushed."""
    if _held_rules(client, prefix) == dict(rules):
        return False
    push_set(client, rules, prefix)
    return True


def _held_rules(client, prefix: str | None = None) -> dict | None:
    """{id: rule} of the set Elasticsearch holds (normalised), None if there is no set."""
    from elasticsearch import NotFoundError

    try:
        current = client.synonyms.get_synonym(id=set_name(prefix), size=10_000)
    except NotFoundError:
        return None
    held = {}
    for item in current.get("synonyms_set", []):
        try:
            held[item["id"]] = normalise_rule(item["synonyms"])
        except SynonymSyntaxError:
            held[item["id"]] = item["synonyms"]
    return held
