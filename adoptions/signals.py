"""A record approved, withdrawn or deleted changes where the practice counts in the zona facet: re-index it."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from adoptions.models import Adoption
from search.service import page_changed


@receiver(post_save, sender=Adoption, dispatch_uid="adoptions.reindex_on_save")
@receiver(post_delete, sender=Adoption, dispatch_uid="adoptions.reindex_on_delete")
def reindex_practice(sender, instance, **kwargs):
    page_changed(instance.practice_id, reason="adoption")
