"""The staff list of a call's applications as a file: CSV (for Excel in French) or XLSX, with
the same columns as the list page (common.spreadsheets writes them, formulas made inert)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from common.formats import PARIS
from common.spreadsheets import AMOUNT, CONTENT_TYPES, DATETIME, Column, as_csv, as_xlsx
from common.spreadsheets import neutralise as neutralise

__all__ = ["BUILDERS", "CONTENT_TYPES", "filename", "neutralise"]


def columns():
    return [
        Column(_("Reference"), width=12),
        Column(_("Title"), width=40),
        Column(_("Lead applicant"), width=24),
        Column(_("Lead applicant's e-mail"), width=30),
        Column(_("Lead institution"), width=36),
        Column(_("State"), width=14),
        Column(_("Amount requested (EUR)"), AMOUNT, width=16),
        Column(_("Received at"), DATETIME, width=18),
        Column(_("Last change"), DATETIME, width=18),
    ]


def rows(applications):
    """One list per application: texts, then the amount (Decimal), then two aware datetimes."""
    for application in applications:
        lead = application.lead
        yield [
            application.reference,
            application.title,
            lead.get_full_name(),
            lead.email,
            application.lead_institution or "",
            application.get_state_display(),
            application.requested_total,
            application.submitted_at,
            application.updated_at,
        ]


def filename(call, fmt, today=None):
    today = today or timezone.now().astimezone(PARIS).date()
    return f"candidatures-{call.slug}-{today.isoformat()}.{fmt}"


BUILDERS = {
    "csv": lambda applications: as_csv(columns(), rows(applications)),
    "xlsx": lambda applications: as_xlsx(columns(), rows(applications), _("Applications")),
}
