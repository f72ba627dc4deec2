"""The forms of the project page: they parse what staff typed; projects.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from decisions.forms import DateInput

from .models import ProjectState


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Agreement signed on"), widget=DateInput())
    start_date = forms.DateField(
        label=_("Start date"),
        widget=DateInput(),
        help_text=_("The day the project's duration runs from."),
    )
    duration_months = forms.IntegerField(
        label=_("Duration (months)"),
        min_value=1,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


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
