"""The API's filters: calls as on the public list of calls (kind, programme, phase) plus the year;
funded projects exactly as on the open data page."""

from django.utils.translation import gettext_lazy as _

from calls.filters import CallFilter
from decisions.budget import closing_year
from reports.opendata import FundedProjectFilter, YearFilter

__all__ = ["FundedProjectFilter", "PublicCallFilter"]


class PublicCallFilter(CallFilter):
    year = YearFilter(label=_("Year of the deadline, in Paris time"), method="filter_year")

    class Meta(CallFilter.Meta):
        fields = [*CallFilter.Meta.fields, "year"]

    def filter_year(self, queryset, name, value):
        return queryset.alias(year=closing_year()).filter(year=value)
