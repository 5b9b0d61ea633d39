"""What the newsletter may take from the content app, through the page's public contract.

The cms app owns the pages; here we only ask whether a page may leave the site
(live and public: members-only content never goes into a mail) and read its
``search_payload()``.
"""
from __future__ import annotations


def page_is_mailable(page) -> bool:
    """Live and without view restrictions on it or its ancestors."""
    if not page.live:
        return False
    return not page.get_view_restrictions().exists()
