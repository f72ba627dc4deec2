from django import forms
from django.utils.translation import gettext_lazy as _

from .identifiers import normalise_orcid
from .models import User


class OrcidField(forms.CharField):
    """An ORCID iD typed as 0000-0002-1825-0097 or pasted as its https://orcid.org/ address.

    Cleans to the 19-character form that is stored, checking format and checksum.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("ORCID iD"))
        kwargs.setdefault("max_length", 64)  # room for the full address before normalising
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_orcid(value) if value else ""


def given_name_field():
    return forms.CharField(
        label=_("Given name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )


def family_name_field():
    return forms.CharField(
        label=_("Family name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class SignupNamesForm(forms.Form):
    """The names asked at sign-up (ACCOUNT_SIGNUP_FORM_CLASS), before allauth's address and
    passwords: pages, e-mails, receipts, letters and team rows name the person by them."""

    first_name = given_name_field()
    last_name = family_name_field()
    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        """Nothing more to do: allauth's save_user() already wrote the names on the account."""


class NamesForm(forms.ModelForm):
    """The names of an account made before sign-up asked for them (accounts.names)."""

    first_name = given_name_field()
    last_name = family_name_field()

    class Meta:
        model = User
        fields = ["first_name", "last_name"]


class ProfileForm(forms.ModelForm):
    first_name = given_name_field()
    last_name = family_name_field()
    orcid = OrcidField(
        help_text=_("Your persistent researcher identifier, such as 0000-0002-1825-0097.")
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "orcid", "institution"]
