"""Wagtail content of the portal: taxonomies, page types, feeds, demo content."""
NEWSLETTER_TAG = "newsletter"
