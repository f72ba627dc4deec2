"""The PDF receipt of a report's submission, rendered with WeasyPrint from its frozen snapshot
alone (as applications.receipts does for an application): a receipt rendered years later shows
exactly what was received."""

from decimal import Decimal

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from applications.models import BudgetCategory
from applications.receipts import euros, files_by_question, label, network_name
from applications.snapshot import submitted_sections
from common.formats import PARIS


def receipt_filename(submission) -> str:
    reference = submission.content.get("reference") or "rapport"
    return f"recepisse-rapport-{reference}-{submission.report_id}-{submission.number}.pdf"


def render_receipt(submission, language) -> bytes:
    """The receipt of a report's `submission` as PDF bytes, in `language` ("fr" or "en")."""
    from weasyprint import HTML  # Imported here: loading Pango is slow and only needed here.

    with translation.override(language):
        html = render_to_string("projects/reports/receipt.html", receipt_context(submission))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def receipt_context(submission) -> dict:
    """What the template shows, all taken from submission.content (the frozen snapshot)."""
    content = submission.content
    english = translation.get_language() == "en"
    report = content.get("report") or {}
    attachments = [
        {**attachment, "size_display": filesizeformat(attachment.get("size") or 0)}
        for attachment in content.get("attachments") or []
    ]
    received_at = timezone.localtime(submission.received_at, PARIS)
    return {
        "network_name": network_name(),
        "language": translation.get_language(),
        "number": submission.number,
        "reference": content.get("reference", ""),
        "project_title": content.get("project_title", ""),
        "title": (report.get("title_en") if english else "") or report.get("title_fr", ""),
        "received_date": formats.date_format(received_at, "DATE_FORMAT"),
        "received_time": received_at.strftime("%H:%M:%S"),
        "sections": submitted_sections(content, files_by_question(attachments)),
        "spending": spending_rows(content.get("spending")),
        "spending_totals": spending_totals(content.get("spending")),
        "attachments": attachments,
        "fingerprint": submission.fingerprint,
    }


def spending_rows(spending):
    """The financial statement's rows as the receipt shows them; None when it has none."""
    if spending is None:
        return None
    return [
        {
            "label": label(BudgetCategory, row.get("category")),
            "granted": euros(row.get("granted")),
            "spent": euros(row.get("spent")),
            "remaining": euros(Decimal(row.get("granted") or 0) - Decimal(row.get("spent") or 0)),
        }
        for row in spending
    ]


def spending_totals(spending):
    """The receipt's totals row: granted and spent, summed from the snapshot's rows."""
    if spending is None:
        return None
    granted = sum(Decimal(row.get("granted") or 0) for row in spending)
    spent = sum(Decimal(row.get("spent") or 0) for row in spending)
    return {"granted": euros(granted), "spent": euros(spent), "remaining": euros(granted - spent)}
