"""The filters of the payments export: read from the address, a wrong value ignored."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PaymentFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year paid"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=None,
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, programmes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["year"].choices = [("", _("All")), *((year, year) for year in years)]

    def filters(self):
        """{"year", "programme"} to pass to projects.exports, empty when the values are wrong."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
