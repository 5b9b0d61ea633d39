"""What the newsletter may take from the content app, through the page's public contract.

The cms app owns the pages; here we only ask whether a page may leave the site
(live and public: members-only content never goes into a mail) and read its
``search_payload()``.
"""
from __future__ import annotations


def page_is_mailable(page) -> bool:
    """Live and visible to anyone (cms.visibility: no restriction covers it, nor its alias source)."""
    if not page.live:
        return False
    from cms.visibility import visible

    return visible(page)
