from django import forms

from .identifiers import normalise_orcid
from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "orcid", "institution"]

    def clean_orcid(self):
        value = self.cleaned_data["orcid"]
        return normalise_orcid(value) if value else ""
