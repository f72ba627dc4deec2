"""The filters of the public directory of labelled collections: the list, the map drawn beside it
and the map's data file read the same filtered collections.

Every filter is a condition in the one query that lists the collections (a kind of material or
a period by an EXISTS on its terms), so that the count of queries never grows with the
registry. An invalid value keeps no collection (the page says why beside its field; the map's
data answers 400). The label's state: by default every collection is shown, an expired label
with its badge. A lapsed label does not make a collection disappear: its page stays where
people cited it and researchers still look for its holdings; "label in force only" narrows to
the others.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.models import Discipline, Institution

from .models import Collection, CollectionTerm, Facet
from .status import LabelState
from .vocabularies import Material, Period, Region, region_choices

# A search is a few words of a collection's name; each word is one condition of the query.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_LENGTH = 100


class LabelChoice(TextChoices):
    """The label state filter: in force (labelled or ending soon), ending soon, expired."""

    IN_FORCE = "in_force", _("Label in force only")
    ENDING_SOON = LabelState.ENDING_SOON.value, _("Label ending soon")
    EXPIRED = LabelState.EXPIRED.value, _("Label expired")


IN_FORCE_STATES = (LabelState.LABELLED.value, LabelState.ENDING_SOON.value)


def bounded_search(value):
    if len(value) > SEARCH_MAX_LENGTH or len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Search with at most %(words)d words and %(characters)d characters."),
            code="search_too_long",
            params={"words": SEARCH_MAX_WORDS, "characters": SEARCH_MAX_LENGTH},
        )


def select():
    return forms.Select(attrs={"class": "form-select"})


def with_term(facet, code):
    """Collections that have the term `code` of `facet`, as a condition."""
    return Exists(CollectionTerm.objects.filter(collection=OuterRef("pk"), facet=facet, code=code))


class CollectionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        validators=[bounded_search],
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "maxlength": SEARCH_MAX_LENGTH}
        ),
    )
    discipline = django_filters.ModelChoiceFilter(
        label=_("Discipline"),
        field_name="disciplines",
        to_field_name="code",
        queryset=Discipline.objects.filter(
            Exists(Collection.disciplines.through.objects.filter(discipline=OuterRef("pk")))
        ).order_by("name_fr"),
        empty_label=_("All disciplines"),
        widget=select(),
    )
    material = django_filters.ChoiceFilter(
        label=_("Kind of material"),
        choices=Material.choices,
        empty_label=_("All kinds of material"),
        method="filter_material",
        widget=select(),
    )
    period = django_filters.ChoiceFilter(
        label=_("Historical period"),
        choices=Period.choices,
        empty_label=_("All periods"),
        method="filter_period",
        widget=select(),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        choices=Region.choices,  # sorted by their translated name when built (__init__)
        empty_label=_("All regions"),
        widget=select(),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Holding institution"),
        queryset=Institution.objects.filter(
            Exists(Collection.objects.public().filter(institution=OuterRef("pk")))
        )
        .only("name", "acronym")
        .order_by("name"),
        empty_label=_("All institutions"),
        widget=select(),
    )
    label = django_filters.ChoiceFilter(
        label=_("Label state"),
        choices=LabelChoice.choices,
        empty_label=_("All labels, expired ones included"),
        method="filter_label",
        widget=select(),
    )

    class Meta:
        model = Collection
        fields = ["q", "discipline", "material", "period", "region", "institution", "label"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = region_choices()

    @property
    def qs(self):
        """The collections every filter keeps; none when one is invalid (a mistyped region
        matches no collection: it is never ignored, which would list every one as a match)."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def filter_name(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name_fr__icontains=word) | Q(name_en__icontains=word))
        return queryset

    def filter_material(self, queryset, name, value):
        return queryset.filter(with_term(Facet.MATERIAL, value))

    def filter_period(self, queryset, name, value):
        return queryset.filter(with_term(Facet.PERIOD, value))

    def filter_label(self, queryset, name, value):
        if value == LabelChoice.IN_FORCE:
            return queryset.filter(label_state__in=IN_FORCE_STATES)
        return queryset.filter(label_state=value)
