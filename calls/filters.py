import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LISTED_PHASES, Call, CallKind, Programme


def select():
    return forms.Select(attrs={"class": "form-select"})


class CallFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=CallKind.choices, empty_label=_("All kinds"), widget=select()
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        to_field_name="code",
        empty_label=_("All programmes"),
        widget=select(),
    )
    phase = django_filters.ChoiceFilter(
        label=_("Phase"),
        choices=[(phase.value, phase.label) for phase in LISTED_PHASES],
        empty_label=_("All phases"),
        method="filter_phase",
        widget=select(),
    )

    class Meta:
        model = Call
        fields = ["kind", "programme", "phase"]

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def filter_phase(self, queryset, name, value):
        return queryset.in_phase(value, now=self.now)
