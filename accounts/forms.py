from django import forms
from django.utils.translation import gettext_lazy as _

from .identifiers import normalise_orcid
from .models import User


class ProfileForm(forms.ModelForm):
    # Longer than the stored 19 characters: a full https://orcid.org/ address is accepted too.
    orcid = forms.CharField(
        label=_("ORCID iD"),
        max_length=64,
        required=False,
        help_text=_("Your persistent researcher identifier, such as 0000-0002-1825-0097."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "orcid", "institution"]

    def clean_orcid(self):
        value = self.cleaned_data["orcid"]
        return normalise_orcid(value) if value else ""
