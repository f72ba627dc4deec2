"""The forms of the decision pages: they parse what staff typed; decisions.services decides."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms import ValidDateInput, ValidNumberInput
from common.forms import DecimalField

from .models import PROPOSABLE, Body, proposable

OUTCOMES = [(outcome.value, outcome.label) for outcome in PROPOSABLE]


class OutcomeChoices:
    """A form that records outcomes: it offers those the call's applications may be given
    (decisions.models.proposable), and a CollEx label call's forms ask for no money (its
    `funding_fields` are left out)."""

    funding_fields = ()

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call is None:
            return
        self.fields["outcome"].choices = [(o.value, o.label) for o in proposable(call)]
        if call.grants_labels:
            for name in self.funding_fields:
                del self.fields[name]


class DateInput(ValidDateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def money_field(label, **kwargs):
    """Euros as staff type them in French or English, shown to the cent in the page's language."""
    return DecimalField(
        label=label, min_value=Decimal("0"), max_digits=12, decimal_places=2, **kwargs
    )


class ProposalForm(OutcomeChoices, forms.Form):
    """The scientific council's proposal."""

    funding_fields = ("amount",)

    outcome = forms.ChoiceField(label=_("Proposal of the scientific council"), choices=OUTCOMES)
    amount = money_field(
        _("Proposed amount (EUR)"),
        required=False,
        help_text=_("For a proposal to fund. Empty: the amount requested."),
    )
    meeting_date = forms.DateField(
        label=_("Scientific council meeting"), required=False, widget=DateInput()
    )
    motivation = forms.CharField(
        label=_("Motivation of the proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(OutcomeChoices, forms.Form):
    """The deciding body's decision."""

    funding_fields = ("amount", "conditions", "reserve_rank", "override_reason")

    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES)
    body = forms.ChoiceField(label=_("Deciding body"), choices=Body.choices)
    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    amount = money_field(
        _("Amount granted (EUR)"),
        required=False,
        help_text=_("For a funded application: at most the amount requested."),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a funded application, what the grant depends on."),
    )
    reserve_rank = forms.IntegerField(
        label=_("Rank on the reserve list"),
        required=False,
        min_value=1,
        max_value=32767,  # the column's largest (a PositiveSmallIntegerField)
        widget=ValidNumberInput,
        help_text=_("Empty: after the last one."),
    )
    motivation = forms.CharField(label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("Reason for exceeding the envelope"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if this decision exceeds an envelope; it is kept in the audit trail."),
    )


class PublicationForm(forms.Form):
    """The date from which a funded project is public, before its letter is sent."""

    publication_date = forms.DateField(
        label=_("Publication date"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "A funded project appears on the public list of funded projects, in its files and "
            "in the API once its letter is sent, or from this date (Paris time) if it comes "
            "first. Empty: when the letter is sent."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the funding withdrawn?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchForm(OutcomeChoices, forms.Form):
    """One proposal or decision for several applications of the ranking."""

    funding_fields = ("override_reason",)

    STEPS = [
        ("proposal", _("Proposal of the scientific council")),
        ("decision", _("Decision of the deciding body")),
    ]
    SCOPES = [
        ("selected", _("The applications ticked in the table")),
        ("above", _("Every application above the funding line")),
        ("below", _("Every ranked application below the funding line")),
    ]
    step = forms.ChoiceField(label=_("Record"), choices=STEPS, widget=forms.RadioSelect)
    scope = forms.ChoiceField(label=_("For"), choices=SCOPES, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES)
    body = forms.ChoiceField(label=_("Deciding body"), choices=Body.choices, required=False)
    meeting_date = forms.DateField(label=_("Meeting date"), required=False, widget=DateInput())
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a decision; the same for every application of the batch."),
    )
    override_reason = forms.CharField(
        label=_("Reason for exceeding the envelope"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    applications = forms.TypedMultipleChoiceField(
        label=_("Applications"), coerce=int, required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, application_ids=(), call=None, **kwargs):
        super().__init__(*args, call=call, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]
        if call is not None and call.grants_labels:  # no funding line: ticked applications
            self.fields["scope"].choices = self.SCOPES[:1]

    def clean(self):
        data = super().clean()
        if data.get("scope") == "selected" and not data.get("applications"):
            self.add_error("applications", _("Tick at least one application in the table."))
        return data
