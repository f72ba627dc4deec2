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


class ProfileForm(forms.ModelForm):
    orcid = OrcidField(
        help_text=_("Your persistent researcher identifier, such as 0000-0002-1825-0097.")
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "orcid", "institution"]
