"""The staff list of a call's applications: its query, its filters and its sort orders.

The list page and the exports share them, so a file holds exactly the rows the page shows.
Everything a row needs comes from one query: the lead's account by a join, the lead institution
and the requested total by subqueries (no GROUP BY, no query per row).
"""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from calls.models import Programme
from common import forms as typed

from .models import MONEY, Application, ApplicationState, BudgetLine, TeamMember


def lead_members():
    """The team member marked as leading each application (the first one if several are)."""
    return TeamMember.objects.filter(application=OuterRef("pk"), is_lead=True).order_by(
        "position", "pk"
    )


# As Institution.__str__ says it: "Name (ACRONYM)", or the name typed in when not in the directory.
INSTITUTION_LABEL = Case(
    When(institution__isnull=True, then=F("institution_name")),
    When(institution__acronym="", then=F("institution__name")),
    default=Concat(F("institution__name"), Value(" ("), F("institution__acronym"), Value(")")),
    output_field=CharField(),
)


def requested_total():
    lines = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount_requested"))
        .values("total")
    )
    return Coalesce(
        Subquery(lines, output_field=DecimalField(**MONEY)),
        Value(Decimal("0")),
        output_field=DecimalField(**MONEY),
    )


def staff_applications(call):
    """Every application of `call`, drafts included, with what the staff list shows."""
    lead_institution = lead_members().annotate(label=INSTITUTION_LABEL).values("label")[:1]
    return (
        Application.objects.filter(call=call)
        .select_related("lead")
        .annotate(
            requested_total=requested_total(),
            lead_institution=Subquery(lead_institution, output_field=CharField()),
        )
    )


# ?sort= value: the database ordering. The primary key breaks ties so pages never overlap.
SORTS = {
    "reference": ("call_id", "pk"),
    "title": ("title", "pk"),
    "state": ("state", "pk"),
    "amount": ("requested_total", "pk"),
    "submitted": ("submitted_at", "pk"),
    "updated": ("updated_at", "pk"),
}
DEFAULT_SORT = "reference"


def parse_sort(value):
    """("amount", True) for "-amount"; the default sort for anything unknown."""
    value = value or ""
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, descending


def sort_applications(queryset, key, descending=False):
    fields = SORTS[key]
    if descending:
        # Applications never submitted come last both ways.
        return queryset.order_by(*(F(field).desc(nulls_last=True) for field in fields))
    return queryset.order_by(*(F(field).asc(nulls_last=True) for field in fields))


def select():
    return forms.Select(attrs={"class": "form-select"})


class AmountFilter(django_filters.NumberFilter):
    """An amount typed as staff write it, in French or English ("20 000,50", "20,000.50")."""

    field_class = typed.DecimalField

    def __init__(self, **kwargs):
        super().__init__(widget=typed.DecimalInput(attrs={"class": "form-control"}), **kwargs)


class StaffApplicationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=ApplicationState.choices,
        empty_label=_("All states"),
        widget=select(),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Lead institution"),
        queryset=Institution.objects.all(),
        empty_label=_("All institutions"),
        method="filter_institution",
        widget=select(),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        field_name="call__programme",
        queryset=Programme.objects.all(),
        to_field_name="code",
        empty_label=_("All programmes"),
        widget=select(),
    )
    amount_min = AmountFilter(
        label=_("Amount requested from (EUR)"), field_name="requested_total", lookup_expr="gte"
    )
    amount_max = AmountFilter(
        label=_("Amount requested up to (EUR)"), field_name="requested_total", lookup_expr="lte"
    )

    class Meta:
        model = Application
        fields = ["state", "institution", "programme", "amount_min", "amount_max"]

    def filter_institution(self, queryset, name, value):
        """Applications whose leading team member belongs to this institution of the directory."""
        return queryset.filter(Exists(lead_members().filter(institution=value)))
