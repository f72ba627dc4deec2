"""The kinds of governance report, each said once: what it is about, how its data are gathered,
which template lays it out, how its file is named and whom it is built for.

The command (governance_report), the request pages, the build, the task and the report's own
names read this table instead of asking "which kind is it?": a new kind of report is a member of
ReportKind, an entry here, its context builder and its template.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from common.errors import Refused

from ..models import ReportKind
from .call_report import call_report_context
from .dossier_book import dossier_book_context
from .programme_report import programme_report_context
from .projects_report import projects_report_context


class ReportSubjectMissing(Refused, ValueError):
    """A report asked without what its kind needs (a call, a year), or of an unknown kind."""


@dataclass(frozen=True)
class Subject:
    """What one report is about and whom it is for: what its context builder receives."""

    call: object = None
    programme: object = None  # None means every programme, cross-programme calls included
    year: int | None = None  # None means every year (for a kind that does not need one)
    reader: object = None
    # {application id: why} withheld from the reader (reports.governance.readers).
    withheld: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportType:
    """One kind of report."""

    template: str
    context: Callable[[Subject], dict]
    # The downloaded file's name starts with it (French: the network's working language).
    file_prefix: str
    # About one call: asked for on the call's reports page; the command's subject is its slug.
    # Any other kind is about one programme or every one (about_programmes): asked for on the
    # programme reports page; the command's subject is the programme's code, or "all".
    needs_call: bool = False
    # About a year (the year the calls closed), never every year.
    needs_year: bool = False
    # Shows dossiers, so it is built for the person who asked and withholds what they may not
    # read (reports.governance.readers, reports.rules).
    built_for_reader: bool = False

    @property
    def about_programmes(self):
        return not self.needs_call

    def check(self, *, call=None, year=None):
        """Refuse a report asked without what this kind needs."""
        if self.needs_call and call is None:
            raise ReportSubjectMissing("a call is needed")
        if self.needs_year and not year:
            raise ReportSubjectMissing("a year is needed")


REPORT_TYPES = {
    ReportKind.CALL: ReportType(
        template="reports/pdf/call.html",
        context=lambda subject: call_report_context(subject.call, subject.reader, subject.withheld),
        file_prefix="rapport-appel",
        needs_call=True,
        built_for_reader=True,
    ),
    ReportKind.DOSSIERS: ReportType(
        template="reports/pdf/dossiers.html",
        context=lambda subject: dossier_book_context(
            subject.call, subject.reader, subject.withheld
        ),
        file_prefix="cahier-dossiers",
        needs_call=True,
        built_for_reader=True,
    ),
    ReportKind.PROGRAMME: ReportType(
        template="reports/pdf/programme.html",
        context=lambda subject: programme_report_context(subject.programme, int(subject.year)),
        file_prefix="rapport-programme",
        needs_year=True,
    ),
    # Every year by default: a project lives for years after its call closed, and the council
    # follows them all; the year (of the calls, as the programme report counts it) narrows it.
    ReportKind.PROJECTS: ReportType(
        template="reports/pdf/projects.html",
        context=lambda subject: projects_report_context(
            subject.programme, int(subject.year) if subject.year else None
        ),
        file_prefix="rapport-projets",
    ),
}


def report_type(kind) -> ReportType:
    """The entry of `kind` (a ReportKind or its value)."""
    try:
        return REPORT_TYPES[ReportKind(kind)]
    except (ValueError, KeyError):
        raise ReportSubjectMissing(f"unknown report kind {kind!r}") from None


def kinds_about_a_call():
    """The kinds asked for on a call's reports page, in the registry's order."""
    return [kind for kind, entry in REPORT_TYPES.items() if entry.needs_call]


def kinds_about_programmes():
    """The kinds asked for on the programme reports page."""
    return [kind for kind, entry in REPORT_TYPES.items() if entry.about_programmes]


def kinds_built_for_reader():
    return [kind for kind, entry in REPORT_TYPES.items() if entry.built_for_reader]
