"""The versioned index behind two aliases: naming, creation, alias switching.

The one index of public content is reached through two aliases:

    <prefix>-content              read alias: what searches use
    <prefix>-content-write        write alias: where indexing goes (two indices while a reindex runs)
    <prefix>-content-<version>    the real, versioned indices (version = UTC timestamp)

``VersionedIndex`` owns the naming, creation and alias switching, so the reindex
and the outbox never spell index names themselves.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone

from django.conf import settings

from search.engine.analysis import analysis_settings
from search.engine.client import for_cluster_changes, get_client
from search.engine.mapping import ContentDocument
from search.engine.names import CONTENT, index_base, index_prefix

_VERSION = re.compile(r"^\d{8}t\d{12}$")


def replica_settings() -> dict:
    """``ELASTICSEARCH_REPLICAS`` as index settings.

    Unset: one copy more wherever a second node can hold it (``auto_expand_replicas: 0-1``:
    0 on a single node, whose index stays green, 1 on a cluster). A number: exactly that many
    copies of each shard (on a three-node cluster 1 survives the loss of any one node).
    """
    replicas = settings.ELASTICSEARCH_REPLICAS
    if replicas is None:
        return {"auto_expand_replicas": "0-1"}
    return {"auto_expand_replicas": "false", "number_of_replicas": replicas}


# While bulk loading a new version: no refreshes and no replicas to copy every document to.
LOADING_SETTINGS = {"refresh_interval": "-1", "auto_expand_replicas": "false", "number_of_replicas": 0}


class VersionedIndex:
    """A logical index behind a read alias and a write alias, rebuilt into new versions."""

    kind = CONTENT
    document = ContentDocument

    def __init__(self, client=None, prefix: str | None = None):
        self.client = client or get_client()
        self.prefix = index_prefix(prefix)

    # --- names -------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return index_base(self.kind, self.prefix)

    @property
    def read_alias(self) -> str:
        return self.base

    @property
    def write_alias(self) -> str:
        return f"{self.base}-write"

    def new_name(self) -> str:
        return f"{self.base}-{datetime.now(timezone.utc).strftime('%Y%m%dt%H%M%S%f')}"

    def version_of(self, name: str) -> str | None:
        version = name[len(self.base) + 1:] if name.startswith(self.base + "-") else ""
        return version if _VERSION.match(version) else None

    # --- what exists ---------------------------------------------------------------------
    def _alias_targets(self, alias: str) -> list[str]:
        from elasticsearch import NotFoundError

        try:
            return sorted(self.client.indices.get_alias(name=alias).keys())
        except NotFoundError:
            return []

    def read_indices(self) -> list[str]:
        return self._alias_targets(self.read_alias)

    def write_indices(self) -> list[str]:
        return self._alias_targets(self.write_alias)

    def all_versions(self) -> list[str]:
        """Every versioned index of this kind, oldest first (aliased or not)."""
        from elasticsearch import NotFoundError

        try:
            names = self.client.indices.get(index=f"{self.base}-*", expand_wildcards="all").keys()
        except NotFoundError:
            return []
        return sorted(n for n in names if self.version_of(n))

    # --- building -----------------------------------------------------------------------------
    def schema(self) -> str:
        """Fingerprint of the mapping and analysis this code builds (synonym rules aside: they change in place).

        Kept in each version's ``_meta``: an index whose schema differs from the code's
        (an upgrade changed them) needs ``search_reindex``; ``search_status`` says so.
        """
        mapping = {k: v for k, v in self.document._doc_type.mapping.to_dict().items() if k != "_meta"}
        shape = {"mappings": mapping,
                 "analysis": analysis_settings(synonyms_set="-")}
        return hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()[:12]

    def body(self, analysis: dict, meta: dict | None = None) -> dict:
        # a copy: to_dict() hands out the document's own dict, which must not keep this version's _meta
        mapping = {**self.document._doc_type.mapping.to_dict(),
                   "_meta": {"kind": self.kind, "schema": self.schema(), **(meta or {})}}
        return {
            "settings": {
                "number_of_shards": settings.ELASTICSEARCH_SHARDS,
                **replica_settings(),
                "analysis": analysis,
            },
            "mappings": mapping,
        }

    def create(self, name: str | None = None, *, synonyms: dict | None = None, meta: dict | None = None,
               loading: bool = False) -> str:
        """Create a new versioned index (no alias yet) and return its name.

        ``synonyms``: keyword arguments of :func:`search.engine.analysis.analysis_settings`.
        ``loading``: created for a bulk load, without refreshes or replicas
        (:meth:`loaded` restores both).
        """
        name = name or self.new_name()
        body = self.body(analysis_settings(**(synonyms or {})), meta)
        if loading:
            body["settings"].update(LOADING_SETTINGS)
        for_cluster_changes(self.client).indices.create(index=name, body=body)
        return name

    def loaded(self, name: str) -> None:
        """Restore the settings :meth:`create` (``loading=True``) changed for the load."""
        for_cluster_changes(self.client).indices.put_settings(index=name, settings={"index": {
            "refresh_interval": None, **replica_settings()}})

    def meta(self, name: str) -> dict:
        mapping = self.client.indices.get_mapping(index=name)
        return mapping[name]["mappings"].get("_meta", {})

    # --- alias switching ----------------------------------------------------------------------
    def add_writes(self, name: str) -> None:
        """Send writes to ``name`` too (during a rebuild writes go to old and new)."""
        for_cluster_changes(self.client).indices.update_aliases(
            actions=[{"add": {"index": name, "alias": self.write_alias}}])

    def switch_to(self, name: str) -> None:
        """Atomically point both aliases at ``name`` only."""
        actions = []
        for old in self.read_indices():
            if old != name:
                actions.append({"remove": {"index": old, "alias": self.read_alias}})
        for old in self.write_indices():
            if old != name:
                actions.append({"remove": {"index": old, "alias": self.write_alias}})
        actions.append({"add": {"index": name, "alias": self.read_alias}})
        actions.append({"add": {"index": name, "alias": self.write_alias}})
        for_cluster_changes(self.client).indices.update_aliases(actions=actions)

    def delete(self, name: str) -> None:
        from elasticsearch import NotFoundError

        try:
            for_cluster_changes(self.client).indices.delete(index=name)
        except NotFoundError:
            pass

    def delete_unaliased(self, keep: str | None = None) -> list[str]:
        """Delete versions no alias points to (the previous ones after a swap)."""
        live = set(self.read_indices()) | set(self.write_indices())
        if keep:
            live.add(keep)
        removed = [n for n in self.all_versions() if n not in live]
        for name in removed:
            self.delete(name)
        return removed

    def drop_everything(self) -> None:
        """Delete every version of this index (tests, or starting over)."""
        for name in self.all_versions():
            self.delete(name)
