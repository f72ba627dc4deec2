"""The forms of the amendments section: they parse what the lead or staff typed;
projects.amendments checks it per kind and says what is wrong beside each field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from applications.models import BudgetCategory
from decisions.forms import money_field

from .amendments import ATTACHMENT_LIMIT, ATTACHMENT_TYPES, KINDS, MAX_EXTENSION
from .models import AmendmentKind

MB = 1024 * 1024


def reallocation_field(category):
    return f"reallocation_{category}"


class AmendmentForm(forms.Form):
    """Every kind's fields at once: without JavaScript they all show, grouped per kind, and
    only the chosen kind's are kept."""

    kind = forms.ChoiceField(
        label=_("What the amendment changes"),
        choices=[("", "—")] + AmendmentKind.choices,
        required=False,
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the project needs it; the deciding body reads it."),
    )
    extension_months = forms.IntegerField(
        label=_("Months added"),
        required=False,
        min_value=1,
        max_value=MAX_EXTENSION,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    amount = money_field(
        _("Amount given back (EUR)"),
        required=False,
        help_text=_("For giving back: at most what remains to pay."),
    )
    new_carrier = forms.ModelChoiceField(
        label=_("New administrative carrier"),
        queryset=Institution.objects.order_by("name"),
        required=False,
        empty_label="—",
        help_text=_("For a change of carrier: an institution of the directory."),
    )
    team_change = forms.CharField(
        label=_("Change in the team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a change in the team: who leaves, who joins, with which role."),
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
    )

    # Each kind's fields, one fieldset each (the reallocation's are made in __init__).
    GROUPS = {
        AmendmentKind.EXTENSION: ("extension_months",),
        AmendmentKind.REALLOCATION: tuple(
            reallocation_field(category) for category in BudgetCategory.values
        ),
        AmendmentKind.TEAM_CHANGE: ("team_change",),
        AmendmentKind.CARRIER_CHANGE: ("new_carrier",),
        AmendmentKind.GIVE_BACK: ("amount",),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reallocation_errors = []
        # Said here, in the reader's language, with the limits the service applies.
        self.fields["extension_months"].help_text = _("For an extension: 1 to %(most)s months.") % {
            "most": MAX_EXTENSION
        }
        self.fields["attachment"].help_text = _(
            "A letter or a budget table: PDF, ODT, ODS, Word or Excel, at most %(mb)s MB."
        ) % {"mb": ATTACHMENT_LIMIT // MB}
        for category, label in BudgetCategory.choices:
            self.fields[reallocation_field(category)] = money_field(
                _("%(category)s (EUR)") % {"category": label},
                required=False,
            )
        self.fields["attachment"].widget.attrs["accept"] = ",".join(
            f".{code}" for code in ATTACHMENT_TYPES
        )

    def groups(self):
        """[(kind, label, hint, [bound fields], errors)]: one fieldset per kind."""
        hints = {
            AmendmentKind.REALLOCATION: _(
                "The new amount of each budget category; together they make the amount granted."
            )
        }
        return [
            (
                kind,
                AmendmentKind(kind).label,
                hints.get(kind, ""),
                [self[name] for name in names],
                self.reallocation_errors if kind == AmendmentKind.REALLOCATION else [],
            )
            for kind, names in self.GROUPS.items()
            if kind in KINDS
        ]

    def values(self):
        """The keyword arguments of projects.amendments.ask_amendment."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "justification": data["justification"],
            "extension_months": data["extension_months"],
            "amount": data["amount"],
            "new_carrier": data["new_carrier"],
            "reallocation": {
                category: data[reallocation_field(category)] for category in BudgetCategory.values
            },
            "team_change": data["team_change"],
            "attachment": data["attachment"],
        }

    def add_problems(self, problems):
        """The service's problems beside their fields; the reallocation's total beside its
        group (and in the summary at the top)."""
        for field, texts in problems.items():
            for text in texts:
                if field == "reallocation":
                    self.reallocation_errors.append(text)
                    self.add_error(None, text)
                elif field in self.fields:
                    self.add_error(field, text)
                else:
                    self.add_error(None, text)


class DecideAmendmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to accept as to refuse; the lead reads it."),
    )
