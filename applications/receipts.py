"""The PDF receipt of a submission, rendered with WeasyPrint from the frozen snapshot only.

Nothing here reads the draft tables: a receipt rendered years later shows exactly what was
received, whatever happened to the draft since.
"""

from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from common.formats import PARIS

from .collections import submitted
from .models import BudgetCategory, Submission, TeamRole
from .snapshot import submitted_sections

DEFAULT_NETWORK_NAME = "CollEx-Persée"


def network_name() -> str:
    """The network's name from the site settings (cms), as the header and the e-mails show it."""
    network_settings = apps.get_model("cms", "NetworkSettings")
    name = (
        network_settings.objects.filter(site__is_default_site=True)
        .values_list("name", flat=True)
        .first()
    )
    return name or DEFAULT_NETWORK_NAME


def receipt_filename(submission) -> str:
    reference = submission.content.get("reference") or submission.application.reference
    return f"recepisse-{reference}-{submission.number}.pdf"


def receipt_attachment(submission_id, *, language) -> tuple[str, bytes, str]:
    """The receipt as an e-mail attachment (filename, PDF, type), made when the e-mail is sent:
    the notifications app calls it by its path, "applications.receipts.receipt_attachment"."""
    submission = Submission.objects.select_related("application").get(pk=submission_id)
    return receipt_filename(submission), render_receipt(submission, language), "application/pdf"


def render_receipt(submission, language) -> bytes:
    """The receipt of `submission` as PDF bytes, in `language` ("fr" or "en")."""
    from weasyprint import HTML  # Imported here: loading Pango is slow and only needed here.

    with translation.override(language):
        html = render_to_string("applications/receipt.html", receipt_context(submission))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def receipt_context(submission) -> dict:
    """What the template shows, all taken from submission.content (the frozen snapshot)."""
    content = submission.content
    english = translation.get_language() == "en"

    def pick(french, english_text):
        return english_text if english and english_text else french

    call = content.get("call") or {}
    attachments = [
        {**attachment, "size_display": filesizeformat(attachment.get("size") or 0)}
        for attachment in content.get("attachments") or []
    ]
    received_at = timezone.localtime(submission.received_at, PARIS)
    budget = content.get("budget") or {}
    return {
        "network_name": network_name(),
        "language": translation.get_language(),
        "number": submission.number,
        "reference": content.get("reference", ""),
        "title": content.get("title", ""),
        "call_title": pick(call.get("title_fr", ""), call.get("title_en", "")),
        "lead": content.get("lead") or {},
        "disciplines": [
            pick(discipline.get("name_fr", ""), discipline.get("name_en", ""))
            for discipline in content.get("disciplines") or []
        ],
        "keywords": content.get("keywords", ""),
        "received_date": formats.date_format(received_at, "DATE_FORMAT"),
        "received_time": received_at.strftime("%H:%M:%S"),
        "sections": submitted_sections(content, files_by_question(attachments)),
        "team": [
            {**member, "role_label": label(TeamRole, member.get("role"))}
            for member in content.get("team") or []
        ],
        "budget_lines": [
            {
                **line,
                "category_label": label(BudgetCategory, line.get("category")),
                "requested": euros(line.get("amount_requested")),
                "cofunding": euros(line.get("cofunding")),
            }
            for line in budget.get("lines") or []
        ],
        "total_requested": euros(budget.get("total_requested")),
        "total_cofunding": euros(budget.get("total_cofunding")),
        "attachments": attachments,
        "fingerprint": submission.fingerprint,
        **submitted(content),
    }


def files_by_question(attachments) -> dict[str, list]:
    files = {}
    for attachment in attachments:
        files.setdefault(attachment.get("question_id"), []).append(attachment)
    return files


def label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value or ""))


def euros(value) -> str:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        return str(value)
    return f"{formats.number_format(amount, 2, force_grouping=True)}\u00a0€"
