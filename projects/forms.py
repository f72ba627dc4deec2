"""The forms of the project page: they parse what staff typed; projects.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from common.forms import DecimalField
from decisions.forms import DateInput, money_field

from .models import Condition, ProjectState


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    """A move that asks nothing more than the button."""


class CarrierForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Administrative carrier"), queryset=Institution.objects.order_by("name")
    )
    finance_contact_name = forms.CharField(
        label=_("Finance contact"), max_length=200, required=False
    )
    finance_contact_email = forms.EmailField(label=_("Finance contact's e-mail"), required=False)

    def __init__(self, *args, carrier_fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if carrier_fixed:
            # Shown, not sent: the carrier kept is the one the form was given as initial.
            self.fields["carrier"].disabled = True
            self.fields["carrier"].help_text = _(
                "The agreement is signed or being signed: the carrier now changes only through "
                "a carrier-change amendment. The finance contact can still be changed here."
            )


class FilterForm(forms.Form):
    """The list's filters, read from the address; a wrong value is ignored."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All"))] + ProjectState.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=None,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


# The payment schedule and the payments


class InstalmentForm(forms.Form):
    """A row of the schedule; a row left entirely blank is ignored (and so removes the
    instalment it showed). Which fields must be filled is the service's to say, beside each."""

    instalment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    share = DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Or an amount."),
    )
    amount = money_field(_("Amount (EUR)"), required=False)
    planned_on = forms.DateField(label=_("Planned date"), required=False, widget=DateInput())
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Condition.choices, initial=Condition.NONE
    )
    report = forms.TypedChoiceField(
        label=_("Report awaited"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For the condition “report accepted”: the report whose acceptance it awaits."),
    )

    FILLED = ("label", "share", "amount", "planned_on")

    def __init__(self, *args, reports=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [
            ("", "—"),
            *((report.pk, str(report)) for report in reports),
        ]

    def clean(self):
        """A "report accepted" condition names the report it waits for, when the project owes
        any (staff choose it beside the condition)."""
        data = super().clean()
        waits = data.get("condition") == Condition.REPORT_ACCEPTED and data.get("report") is None
        if waits and len(self.fields["report"].choices) > 1:
            self.add_error(
                "report", _("Choose the report whose acceptance this instalment waits for.")
            )
        return data

    def is_blank(self):
        return not any(self.cleaned_data.get(name) not in (None, "") for name in self.FILLED)

    def row(self):
        return {name: self.cleaned_data[name] for name in self.fields}


class ScheduleRowsFormSet(forms.BaseFormSet):
    def rows(self):
        """The rows filled in, in page order, with the index of their form."""
        return [(index, form.row()) for index, form in enumerate(self.forms) if not form.is_blank()]


ScheduleFormSet = forms.formset_factory(
    InstalmentForm, formset=ScheduleRowsFormSet, extra=2, max_num=24
)


def schedule_formset(instalments, data=None, reports=()):
    """The schedule's rows: one per instalment, then two blank ones to add more; `reports`, the
    project's, which a "report accepted" condition chooses among."""
    options = {"reports": list(reports)}
    if data is not None:
        return ScheduleFormSet(data, prefix="schedule", form_kwargs=options)
    return ScheduleFormSet(
        prefix="schedule",
        form_kwargs=options,
        initial=[
            {
                "instalment": instalment.pk,
                "label": instalment.label,
                "share": instalment.share,
                "amount": None if instalment.share is not None else instalment.amount,
                "planned_on": instalment.planned_on,
                "condition": instalment.condition,
                "report": instalment.report_id,
            }
            for instalment in instalments
        ],
    )


class PaymentForm(forms.Form):
    instalment = forms.TypedChoiceField(label=_("Instalment"), coerce=int)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = money_field(_("Amount paid (EUR)"))
    reference = forms.CharField(
        label=_("Accounting reference"),
        max_length=100,
        help_text=_("As the accounting system recorded the payment; each reference once."),
    )
    override_reason = forms.CharField(
        label=_("Reason for paying without the condition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the instalment's condition is not met yet."),
    )

    def __init__(self, *args, instalments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].choices = [
            (instalment.pk, f"{instalment.position}. {instalment.label}")
            for instalment in instalments
        ]
