"""The moderator's form: changing the status records who moderated and when (the evidence shown to editors)."""
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm


class AdoptionAdminForm(WagtailAdminModelForm):
    def save(self, commit=True):
        adoption = super().save(commit=False)
        if "status" in self.changed_data:
            adoption.moderated_by = self.for_user
            adoption.moderated_at = timezone.now()
        if commit:
            adoption.save()
        return adoption
