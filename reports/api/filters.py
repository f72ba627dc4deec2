"""The API's filters: calls as on the public list of calls (kind, programme, phase) plus the year;
funded projects exactly as on the open data page; deliverables by project and kind."""

import django_filters
from django.utils.translation import gettext_lazy as _

from calls.filters import CallFilter
from calls.models import DeliverableKind
from decisions.budget import closing_year
from projects.models import Deliverable
from reports.opendata_filters import FundedProjectFilter, YearFilter
from reports.public_project import REFERENCE

__all__ = ["DeliverableFilter", "FundedProjectFilter", "PublicCallFilter"]


class PublicCallFilter(CallFilter):
    year = YearFilter(label=_("Year of the deadline, in Paris time"), method="filter_year")

    class Meta(CallFilter.Meta):
        fields = [*CallFilter.Meta.fields, "year"]

    def filter_year(self, queryset, name, value):
        return queryset.alias(year=closing_year()).filter(year=value)


class DeliverableFilter(django_filters.FilterSet):
    project = django_filters.CharFilter(
        label=_("Reference of the funded project, such as 003-00042"), method="filter_project"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DeliverableKind.choices)

    class Meta:
        model = Deliverable
        fields = ["project", "kind"]

    def filter_project(self, queryset, name, value):
        match = REFERENCE.match(value.strip())
        if match is None:
            return queryset.none()
        call_id, pk = (int(number) for number in match.groups())
        return queryset.filter(
            project__decision__application__pk=pk, project__decision__application__call_id=call_id
        )
