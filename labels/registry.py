"""Staff's registry: every labelled collection with its label's state, filtered by state,
region and holding institution."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution

from .models import Collection
from .status import LabelState, state_condition
from .vocabularies import Region, region_choices


class RegistryFilters(forms.Form):
    state = forms.ChoiceField(
        label=_("Label state"), required=False, choices=[("", _("Any")), *LabelState.choices]
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("Any")), *Region.choices]
    )
    institution = forms.ModelChoiceField(
        label=_("Holding institution"),
        required=False,
        empty_label=_("Any"),
        queryset=Institution.objects.none(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Any")), *region_choices()]
        # Only the institutions that hold a collection: the list stays short.
        self.fields["institution"].queryset = Institution.objects.filter(
            labelled_collections__isnull=False
        ).distinct()
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


def registry(filters, today=None):
    """The collections that the filters keep, in the registry's order: the valid ones apply,
    an invalid one is said beside its field (staff see what they asked and what was kept)."""
    collections = Collection.objects.select_related("institution").order_by("name_fr", "pk")
    if not filters.is_bound:
        return collections
    filters.is_valid()  # cleaned_data: the valid filters only
    chosen = filters.cleaned_data
    if chosen.get("state"):
        collections = collections.filter(state_condition(LabelState(chosen["state"]), today))
    if chosen.get("region"):
        collections = collections.filter(region=chosen["region"])
    if chosen.get("institution"):
        collections = collections.filter(institution=chosen["institution"])
    return collections
