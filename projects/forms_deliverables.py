"""The forms of deliverables and closure: they parse what people typed; projects.deliverables
and projects.closure check it and say what is wrong beside each field."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calls.models import DeliverableKind
from common import identifiers

from .models import Deliverable, IdentifierScheme, Licence


def identifier_help():
    """One example per kind of identifier, from the registry."""
    examples = ", ".join(
        f"{label} {identifiers.example(value)}"
        for value, label in IdentifierScheme.choices
        if identifiers.example(value)
    )
    return _(
        "As the identifier is written, or its address: for example %(examples)s. "
        "Leave it empty for a web address only."
    ) % {"examples": examples}


class DeliverableForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DeliverableKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    identifier_scheme = forms.ChoiceField(
        label=_("Kind of identifier"), choices=IdentifierScheme.choices
    )
    identifier = forms.CharField(label=_("Persistent identifier"), max_length=300, required=False)
    # A plain text field: the service says what a web address must be, beside the field.
    url = forms.CharField(
        label=_("Web address"),
        max_length=500,
        required=False,
        help_text=_("Required without a persistent identifier; otherwise a landing page."),
        widget=forms.URLInput,
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)
    is_public = forms.BooleanField(
        label=pgettext_lazy("deliverable", "Public"),
        required=False,
        initial=True,
        help_text=Deliverable._meta.get_field("is_public").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identifier"].help_text = identifier_help()

    @classmethod
    def of(cls, deliverable, **kwargs):
        """The form filled with what `deliverable` stores."""
        initial = {name: getattr(deliverable, name) for name in cls.base_fields}
        return cls(initial=initial, **kwargs)


class ClosureForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for closing despite what is missing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when something is missing; kept in the project's history."),
    )
