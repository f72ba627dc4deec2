"""The filters of the funded projects: the same on the page, in its CSV and JSON files and in
the API. A filter on the project's state or on its public deliverables' kind reads the project
that the funding letter made (projects.models.Project); a project announced by its publication
date before its letter has no state yet and matches no state."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from accounts.models import Institution
from applications.filters import lead_members
from applications.models import Application
from calls.models import DeliverableKind, Programme
from labels.models import Collection
from projects.models import ProjectState

from .opendata import (
    funded_applications,
    public_deliverables,
    published_calls_with_funded_projects,
)


def select():
    return forms.Select(attrs={"class": "form-select"})


class YearFilter(django_filters.NumberFilter):
    """A year: a whole number from 1000 to 9999, else the filter is refused with its message.
    A year such as -1, 1 (before year 1 in UTC), 2026.5 or 1e76 made the database's year lookup
    fail (a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1000, max_value=9999, **kwargs)


# A search term: each word is one more condition on five columns (two of them subqueries) of the
# one query that lists the projects, so the term is bounded. 1,100 words made a query SQLite
# refuses (its expression tree is too deep) and PostgreSQL spent seconds on: a server error.
# People search with a few words; 20 words and 200 characters leave room for a pasted title.
SEARCH_MAX_WORDS = 20
SEARCH_MAX_LENGTH = 200


def bounded_search(value):
    if len(value) > SEARCH_MAX_LENGTH or len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Search with at most %(words)d words and %(characters)d characters."),
            code="search_too_long",
            params={"words": SEARCH_MAX_WORDS, "characters": SEARCH_MAX_LENGTH},
        )


def collection_number(code):
    """A collection's number from its code (CX0042, cx42) or from the number itself; None when
    `code` is neither."""
    found = re.fullmatch(r"(?:CX)?(\d{1,9})", str(code).strip(), re.IGNORECASE)
    return int(found.group(1)) if found else None


class CollectionChoiceField(django_filters.fields.ModelChoiceField):
    """A labelled collection by its published code (CX0042, as the open data and the API give
    it) or by its number (what the page's select sends)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = collection_number(value)
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(found)


class CollectionChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CollectionChoiceField


class FundedProjectFilter(django_filters.FilterSet):
    """The filters of the page, of its CSV and JSON files and of the API: the same everywhere."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        validators=[bounded_search],
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "maxlength": SEARCH_MAX_LENGTH}
        ),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        field_name="call__programme",
        to_field_name="code",
        queryset=Programme.objects.filter(calls__in=published_calls_with_funded_projects())
        .distinct()
        .order_by("position", "code"),
        empty_label=_("All programmes"),
        widget=select(),
    )
    call = django_filters.ModelChoiceFilter(
        label=_("Call"),
        to_field_name="slug",
        queryset=published_calls_with_funded_projects().only("slug", "title_fr", "title_en"),
        empty_label=_("All calls"),
        widget=select(),
    )
    year = YearFilter(
        label=_("Year"),
        method="filter_year",
        widget=forms.NumberInput(attrs={"class": "form-control", "min": "2000", "max": "2100"}),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Lead institution"),
        queryset=Institution.objects.filter(
            team_members__is_lead=True, team_members__application__in=funded_applications()
        )
        .distinct()
        .only("name", "acronym"),
        empty_label=_("All institutions"),
        method="filter_institution",
        widget=select(),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        field_name="decision__project__state",
        choices=ProjectState.choices,
        empty_label=_("All states"),
        widget=select(),
    )
    deliverable = django_filters.ChoiceFilter(
        label=_("Deliverable"),
        choices=DeliverableKind.choices,
        empty_label=_("All deliverables"),
        method="filter_deliverable",
        widget=select(),
    )
    collection = CollectionChoiceFilter(
        label=_("Labelled collection"),
        queryset=Collection.objects.public()
        .filter(applications__in=funded_applications())
        .distinct()
        .only("name_fr", "name_en"),
        empty_label=_("All collections"),
        method="filter_collection",
        widget=select(),
    )
    ror = django_filters.CharFilter(
        label=_("ROR identifier of the lead institution"), method="filter_ror"
    )

    class Meta:
        model = Application
        fields = [
            "q",
            "programme",
            "call",
            "year",
            "institution",
            "state",
            "deliverable",
            "collection",
            "ror",
        ]

    @extend_schema_field(
        {
            "type": "string",
            "maxLength": SEARCH_MAX_LENGTH,
            "description": "Words found in the title, summary, lead institution or call "
            f"(all of them); at most {SEARCH_MAX_WORDS} words.",
        }
    )
    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(lead_institution__icontains=word)
                | Q(call__title_fr__icontains=word)
                | Q(call__title_en__icontains=word)
            )
        return queryset

    @extend_schema_field({"type": "integer", "description": "Year of the call's deadline."})
    def filter_year(self, queryset, name, value):
        return queryset.filter(year=value)

    @extend_schema_field({"type": "integer", "description": "Id of the lead institution."})
    def filter_institution(self, queryset, name, value):
        return queryset.filter(Exists(lead_members().filter(institution=value)))

    @extend_schema_field(
        {
            "type": "string",
            "enum": DeliverableKind.values,
            "description": "Kind of a public deliverable the project declared.",
        }
    )
    def filter_deliverable(self, queryset, name, value):
        public = public_deliverables().filter(project__decision__application=OuterRef("pk"))
        return queryset.filter(Exists(public.filter(kind=value)))

    @extend_schema_field(
        {
            "type": "string",
            "description": "Code of a labelled collection the project worked on, such as "
            "CX0042 (its number, 42, is read too).",
        }
    )
    def filter_collection(self, queryset, name, value):
        used = Application.collections_used.through.objects.filter(
            application=OuterRef("pk"), collection=value
        )
        return queryset.filter(Exists(used))

    def filter_ror(self, queryset, name, value):
        ror = value.strip().lower().removeprefix("https://ror.org/")
        return queryset.filter(Exists(lead_members().filter(institution__ror=ror)))
