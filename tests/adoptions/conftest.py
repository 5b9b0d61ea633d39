"""Fixtures of the adoption tests: the search tests' Elasticsearch helpers (same session prefix)."""
from tests.search.conftest import Elastic, _drop_session_indices, _search_settings, es  # noqa: F401
