"""Wagtail content of the portal: taxonomies, page types, feeds, demo content."""
NEWSLETTER_TAG = "newsletter"


def public_tag_names(names) -> list[str]:
    """The tags a visitor may see: the newsletter's selection tag is the editors' internal marker."""
    return [name for name in names if name.casefold() != NEWSLETTER_TAG.casefold()]
