"""The Wagtail collections of the attachments of proposed practices.

An attachment waits in a collection only the editorial roles may see while its practice is in
review (service.py puts it there) and moves to the public one when the practice is published
(notifications.py moves it).
"""
from __future__ import annotations

REVIEW_COLLECTION = "Buone pratiche in revisione"
PUBLIC_COLLECTION = "Buone pratiche"


def _collection(name: str, restricted_to: tuple[str, ...] = ()):
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(name=name)
    if restricted_to and not CollectionViewRestriction.objects.filter(collection=collection).exists():
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
        restriction.groups.set(Group.objects.filter(name__in=restricted_to))
    return collection


def review_collection():
    from portal.roles import AMMINISTRATORE, MODERATORE, REDATTORE

    return _collection(REVIEW_COLLECTION, restricted_to=(MODERATORE, REDATTORE, AMMINISTRATORE))


def public_collection():
    return _collection(PUBLIC_COLLECTION)
