"""The forms of staff's review of reports: they parse what staff typed; projects.report_review
decides (its refusals are shown beside these fields)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from decisions.forms import DateInput

from .models import ReportState


class ReportFilterForm(forms.Form):
    """The list's filters, read from the address; a wrong value is ignored."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), *ReportState.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    late = forms.BooleanField(
        label=_("Late only"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=None,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    call = forms.ModelChoiceField(
        label=_("Call"),
        required=False,
        queryset=None,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, programmes, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["call"].queryset = calls

    def filters(self):
        """The keyword arguments of report_review.reports_for_staff; none when a value is wrong."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ReviewForm(forms.Form):
    """What both reviews post: the number of the submission the page showed (the service
    refuses any but the latest). The template writes it from the submission shown, so that a
    refused form posts the latest one next time."""

    submission_number = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AcceptForm(ReviewForm):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The lead and the team read it."),
    )


class ChangesForm(ReviewForm):
    """Which questions to change, why, and by when; what must be given is the service's to say."""

    questions = forms.MultipleChoiceField(
        label=_("Questions to change"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What to change and why: the lead and the team read it."),
    )
    due_on = forms.DateField(label=_("New due date"), required=False, widget=DateInput())

    def __init__(self, *args, changeable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].choices = list(changeable)
