"""Models of the newsletter: subscribers and consent, editions and items, deliveries."""
from newsletter.models.deliveries import Delivery, EditionLink, SegmentRender
from newsletter.models.editions import (
    MONTHS_IT,
    SECTION_ORDER,
    Edition,
    EditionItem,
    Section,
    edition_title,
    window_label,
)
from newsletter.models.subscribers import (
    BounceRecord,
    ConsentRecord,
    SuppressedAddress,
    Subscriber,
    email_hash,
)

__all__ = [
    "BounceRecord", "ConsentRecord", "Delivery", "Edition", "EditionItem", "EditionLink", "MONTHS_IT", "SECTION_ORDER",
    "Section", "SegmentRender", "Subscriber", "SuppressedAddress", "edition_title", "email_hash", "window_label",
]
