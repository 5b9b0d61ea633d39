"""Wagtail's user admin with the member's profile (ente, ruolo professionale, zona) on the same form,
where staff also assign the roles (groups)."""
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from portal.accounts.models import ProfessionalRole, Profile

PROFILE_FIELDS = ("organisation", "professional_role", "zona")


class ProfileFieldsMixin(forms.Form):
    organisation = forms.CharField(label=_("Ente di appartenenza"), max_length=200, required=False)
    professional_role = forms.ChoiceField(
        label=_("Ruolo professionale"), choices=[("", "—"), *ProfessionalRole.choices], required=False
    )
    zona = forms.ModelChoiceField(
        label=_("Zona distretto"), queryset=None, required=False,
        help_text=_("Per un Referente di Zona: la zona di cui modifica le buone pratiche."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.models import Zona

        self.fields["zona"].queryset = Zona.objects.order_by("name")
        if self.instance.pk:
            profile = Profile.for_user(self.instance)
            for name in PROFILE_FIELDS:
                self.initial.setdefault(name, getattr(profile, f"{name}_id" if name == "zona" else name))

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            profile = Profile.for_user(user)
            for name in PROFILE_FIELDS:
                setattr(profile, name, self.cleaned_data.get(name) or ("" if name != "zona" else None))
            profile.save()
        return user


class PortalUserEditForm(ProfileFieldsMixin, UserEditForm):
    pass


class PortalUserCreationForm(ProfileFieldsMixin, UserCreationForm):
    pass


class PortalUserViewSet(UserViewSet):
    create_template_name = "accounts/admin/user_create.html"
    edit_template_name = "accounts/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm
