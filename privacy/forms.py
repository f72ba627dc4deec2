"""The staff's form to hold a dossier past its retention period."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Application

REFERENCE = re.compile(r"^\s*(\d+)-(\d+)\s*$")


class HoldForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of the application"),
        max_length=20,
        help_text=_("As the lists show it, such as 003-00042."),
    )
    reason = forms.CharField(
        label=_("Reason for keeping it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Litigation, audit...: the log keeps it."),
    )

    def clean_reference(self):
        found = REFERENCE.match(self.cleaned_data["reference"])
        application = (
            Application.objects.filter(call_id=found[1], pk=found[2]).first() if found else None
        )
        if application is None:
            raise forms.ValidationError(_("No application has this reference."))
        return application
