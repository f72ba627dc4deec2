"""The funded projects report: for the projects of one programme's calls or of every programme,
of the calls closed in a year or in any year, the indicators (reports.governance.
project_indicators) with their charts, then the table of those projects by programme and
reference. Six queries whatever the number of projects."""

from django.utils.translation import gettext as _

from calls.models import Call
from common.formats import money_or_dash as format_money

from .programme_report import calls_of_year
from .project_indicators import funded_projects, project_indicators, project_rows, today_in_paris


def calls_of(programme, year):
    """The calls of `programme` (None: every one) closed in `year` (None: in any year); None
    for every call."""
    if year is not None:
        return calls_of_year(year, programme)
    return None if programme is None else Call.objects.filter(programme=programme)


def projects_report_context(programme, year, money=format_money):
    projects = funded_projects(calls_of(programme, year))
    today = today_in_paris()
    rows = project_rows(projects, today)
    for project in rows:
        call = project.decision.application.call
        project.programme_label = str(call.programme) if call.programme_id else _("Cross-programme")
    return {
        "programme": programme,
        "year": year,
        "indicators": project_indicators(projects, today, money),
        "projects": rows,
    }
