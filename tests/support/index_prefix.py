"""The one Elasticsearch index prefix of a test session, set in the environment once.

The real processes the tests start (the session's Celery worker, gunicorn, beat) read the
prefix from the environment they inherit, while the test process reads it from its
settings. Each conftest used to set its own prefix at import time, so the worker got
whichever conftest was imported last (the deploy tests' one, once the alerts tests
imported the search fixtures early) and indexed where the search tests never looked.
One module, imported once, gives every directory the same prefix.
"""
from __future__ import annotations

import os
import uuid

SESSION_PREFIX = f"{(os.environ.get('ELASTICSEARCH_INDEX_PREFIX') or 'search').lower()}-t{uuid.uuid4().hex[:8]}"
os.environ["ELASTICSEARCH_INDEX_PREFIX"] = SESSION_PREFIX
