"""Public views of the newsletter, by flow."""
from newsletter.views.archive import EditionFeed, archive, archive_detail
from newsletter.views.bounces import bounce_endpoint
from newsletter.views.links import follow_link
from newsletter.views.personal import erase, erase_confirmed, export, export_confirmed, preferences, unsubscribe
from newsletter.views.subscribe import confirm, landing, subscribe, subscribe_member, subscribed

__all__ = [
    "EditionFeed", "archive", "archive_detail", "bounce_endpoint", "confirm", "erase", "erase_confirmed", "export",
    "export_confirmed", "follow_link", "landing",
    "preferences", "subscribe", "subscribe_member", "subscribed", "unsubscribe",
]
