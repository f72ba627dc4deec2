"""Staff forms: inviting a reviewer, assigning one by hand.

They only carry what was typed; the rules (conflicts of interest, maxima, states) are checked by
reviews.assignments, whose refusals are shown on the form.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms import ValidDateInput
from common.formats import PARIS

# A due date typed as a day means the end of that day, in Paris.
END_OF_DAY = dt.time(23, 59)


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=[("fr", _("French")), ("en", _("English"))],
        initial="fr",
        widget=forms.RadioSelect,
    )
    call = forms.TypedChoiceField(
        label=_("Call (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Named in the invitation when given."),
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = {call.pk: call for call in calls}
        self.fields["call"].choices = [("", _("No call in particular"))] + [
            (call.pk, call.title) for call in calls
        ]

    def clean_call(self):
        pk = self.cleaned_data["call"]
        return self.calls[pk] if pk else None


class AssignForm(forms.Form):
    """One reviewer for one application; the choices are those the page already shows."""

    application = forms.TypedChoiceField(label=_("Application"), coerce=int)
    reviewer = forms.TypedChoiceField(label=_("Reviewer"), coerce=int)
    due_date = forms.DateField(
        label=_("Due date (optional)"),
        required=False,
        widget=ValidDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The end of that day, Paris time. By default, the call's date for reviews."),
    )

    def __init__(self, *args, applications=(), reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = {application.pk: application for application in applications}
        self.reviewers = {reviewer.pk: reviewer for reviewer in reviewers}
        self.fields["application"].choices = [("", _("Choose an application"))] + [
            (application.pk, f"{application.reference} – {application.title or '—'}")
            for application in applications
        ]
        self.fields["reviewer"].choices = [("", _("Choose a reviewer"))] + [
            (reviewer.pk, reviewer.choice_label) for reviewer in reviewers
        ]

    def clean_application(self):
        return self.applications[self.cleaned_data["application"]]

    def clean_reviewer(self):
        return self.reviewers[self.cleaned_data["reviewer"]]

    def due_at(self):
        day = self.cleaned_data.get("due_date")
        return dt.datetime.combine(day, END_OF_DAY, tzinfo=PARIS) if day else None
