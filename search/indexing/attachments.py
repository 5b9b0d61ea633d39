"""The text of a page's attachments: extracted in ``search.engine.attachments``, where the
database search reads it too (querying may not import indexing)."""
from search.engine.attachments import (  # noqa: F401
    CACHE_SECONDS, MAX_CHARS_PER_DOCUMENT, MAX_CHARS_PER_PAGE_ITEM, MAX_FILE_BYTES, MAX_PAGES, TEXT_EXTENSIONS,
    attachments_text, document_text,
)
