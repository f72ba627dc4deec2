"""The API's filters: calls as on the public list of calls (kind, programme, phase) plus the year;
funded projects exactly as on the open data page."""

import django_filters
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from calls.filters import CallFilter
from reports.opendata import PARIS, FundedProjectFilter

__all__ = ["FundedProjectFilter", "PublicCallFilter"]


class PublicCallFilter(CallFilter):
    year = django_filters.NumberFilter(
        label=_("Year of the deadline, in Paris time"), method="filter_year"
    )

    class Meta(CallFilter.Meta):
        fields = [*CallFilter.Meta.fields, "year"]

    def filter_year(self, queryset, name, value):
        return queryset.alias(year=ExtractYear("closes_at", tzinfo=PARIS)).filter(year=value)
