"""The forms of the agreement section: they parse what staff typed; projects.agreements
decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from decisions.forms import DateInput

from .models import Party


class PrepareForm(forms.Form):
    """A (new) version of the agreement. While the project is in preparation, staff give the
    dates the agreement states: its duration, and its start unless the call makes it run from
    the signature."""

    reason = forms.CharField(
        label=_("Why this version (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the schedule was corrected; an amendment was accepted."),
    )
    start_date = forms.DateField(
        label=_("Planned start date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for a project that runs from the signature of its agreement."),
    )
    duration_months = forms.IntegerField(
        label=_("Duration (months)"),
        min_value=1,
        max_value=120,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, plans=True, from_signature=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not plans:
            del self.fields["start_date"], self.fields["duration_months"]
        elif from_signature:
            del self.fields["start_date"]

    def values(self):
        data = dict(self.cleaned_data)
        planned = {
            name: data.pop(name) for name in ("start_date", "duration_months") if name in data
        }
        return {**data, "planned": planned or None}


class SignatureForm(forms.Form):
    """One party's signature of the latest version, with its signed copy."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    party = forms.ChoiceField(label=_("Party"), choices=Party.choices)
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    signer_role = forms.CharField(
        label=_("Signer's role"),
        max_length=200,
        required=False,
        help_text=_("For example: President of the university."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    signed_copy = forms.FileField(
        label=_("Signed copy (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties is not None:
            self.fields["party"].choices = [
                (value, label) for value, label in Party.choices if value in parties
            ]

    def add_problems(self, problems):
        for field, texts in problems.items():
            for text in texts:
                self.add_error(field if field in self.fields else None, text)
