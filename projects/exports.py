"""Every payment recorded, as a file for the accounting office: CSV (for Excel in French) or
XLSX, written by common.spreadsheets (formulas made inert, amounts as numbers).

One query whatever the number of payments, read in chunks: `payments_rows(filters)` yields the
rows, so that a benchmark or a command can take them without the file.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from common.formats import PARIS
from common.spreadsheets import AMOUNT, CONTENT_TYPES, DATE, Column, as_csv, as_xlsx

from .models import Payment

__all__ = ["BUILDERS", "CONTENT_TYPES", "filename", "payments_rows"]

CHUNK = 500


def columns():
    return [
        Column(_("Project"), width=12),
        Column(_("Call"), width=36),
        Column(_("Programme"), width=24),
        Column(_("Administrative carrier"), width=36),
        Column(_("Carrier's ROR"), width=12),
        Column(_("Instalment"), width=24),
        Column(_("Planned date"), DATE, width=12),
        Column(_("Paid on"), DATE, width=12),
        Column(_("Amount (EUR)"), AMOUNT, width=14),
        Column(_("Accounting reference"), width=20),
        Column(_("Recorded by"), width=24),
        Column(_("Reason for paying without the condition"), width=40),
    ]


def payments(filters=None):
    """The payments, oldest first, with what their rows show, in one query. `filters`: "year"
    (the year it was paid) and "programme" (of the project's call; None: every one)."""
    filters = filters or {}
    found = (
        Payment.objects.select_related(
            "instalment",
            "recorded_by",
            "carrier",
            "project__carrier",
            "project__decision__application__call__programme",
        )
        .only(
            "paid_on",
            "amount",
            "reference",
            "override_reason",
            "instalment__label",
            "instalment__planned_on",
            "recorded_by__first_name",
            "recorded_by__last_name",
            "recorded_by__email",
            "carrier__name",
            "carrier__acronym",
            "carrier__ror",
            "project__carrier__name",
            "project__carrier__acronym",
            "project__carrier__ror",
            "project__decision__application__call__title_fr",
            "project__decision__application__call__title_en",
            "project__decision__application__call__programme__title_fr",
            "project__decision__application__call__programme__title_en",
        )
        .order_by("paid_on", "pk")
    )
    if filters.get("year"):
        found = found.filter(paid_on__year=filters["year"])
    if filters.get("programme"):
        found = found.filter(project__decision__application__call__programme=filters["programme"])
    return found


def payments_rows(filters=None):
    """One list per payment, in the order of columns(): texts, two dates, the amount (Decimal),
    texts."""
    for payment in payments(filters).iterator(chunk_size=CHUNK):
        project = payment.project
        application = project.decision.application
        call = application.call
        # The carrier paid when the payment was recorded; the project's for older payments.
        carrier = payment.carrier or project.carrier
        recorder = payment.recorded_by
        yield [
            application.reference,
            call.title,
            call.programme.title if call.programme_id else _("Cross-programme"),
            str(carrier) if carrier else "",
            carrier.ror if carrier else "",
            payment.instalment.label,
            payment.instalment.planned_on,
            payment.paid_on,
            payment.amount,
            payment.reference,
            (recorder.get_full_name() or recorder.email) if recorder else "",
            payment.override_reason,
        ]


def filename(fmt, filters=None, today=None):
    filters = filters or {}
    today = today or timezone.now().astimezone(PARIS).date()
    parts = ["paiements"]
    if filters.get("programme"):
        parts.append(filters["programme"].code)
    if filters.get("year"):
        parts.append(str(filters["year"]))
    return f"{'-'.join(parts)}-{today.isoformat()}.{fmt}"


BUILDERS = {
    "csv": lambda filters: as_csv(columns(), payments_rows(filters)),
    "xlsx": lambda filters: as_xlsx(columns(), payments_rows(filters), _("Payments")),
}
