"""Forms of the member area: extra signup fields, profile, account deletion."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Profile


class SignupExtraForm(forms.Form):
    """Fields allauth's signup form gains (ACCOUNT_SIGNUP_FORM_CLASS): name and privacy consent."""

    first_name = forms.CharField(label=_("Nome"), max_length=150)
    last_name = forms.CharField(label=_("Cognome"), max_length=150)
    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sul trattamento dei dati personali (Reg. UE 2016/679) e acconsento."),
        error_messages={"required": _("Per registrarti devi accettare l'informativa privacy.")},
    )

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        profile = Profile.for_user(user)
        profile.privacy_accepted_at = timezone.now()
        profile.save(update_fields=["privacy_accepted_at"])


class ProfileForm(forms.ModelForm):
    """The member's own profile; the name lives on the user and is edited here too."""

    first_name = forms.CharField(label=_("Nome"), max_length=150)
    last_name = forms.CharField(label=_("Cognome"), max_length=150)

    class Meta:
        model = Profile
        fields = ["organisation", "professional_role", "zona", "topics"]
        widgets = {"topics": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        # name first, as people read a form
        self.order_fields(["first_name", "last_name", *self.Meta.fields])

    def save(self, commit=True):
        profile = super().save(commit=commit)
        user = profile.user
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        if commit:
            user.save(update_fields=["first_name", "last_name"])
        return profile


class DeleteAccountForm(forms.Form):
    """Deleting is irreversible: the member confirms with the password and an explicit tick."""

    password = forms.CharField(label=_("Password attuale"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label=_("Ho capito che l'account e i miei dati saranno cancellati definitivamente."))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if not user.has_usable_password():  # single sign-on account: the tick is the confirmation
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("La password non è corretta."))
        return password

