"""Practices that travel: "adottata anche in" records.

A member records that another Zona distretto adopted or adapted a practice (when, what changed,
a contact); a moderator approves it in the admin; approved records show on the practice, on both
zones' pages, and count the practice under the adopting zona in the search facets (the
practice's search document lists the zones it is practised in: ``PracticePage.payload_zones``).
"""
