"""What a funding agreement says: the values it is written from, the staff's template for the
call's kind in the carrier's language (or the default text in templates/projects/agreements/),
and its PDF. projects.agreements keeps the versions made from it.

A template edited in the admin is rendered by the sandbox (common.sandbox) over plain values,
checked against the sample context when it is saved and again before each rendering: it cannot
reach a model, call a method or read the database. The default text goes through the same check.

Two shapes of the same facts: `figures` (JSON-safe, amounts and dates as ISO strings: what a
version keeps, for the record and for the signatures) and the template's context (the same
written out in the agreement's language: "12 500,00 €", "1 avril 2026").
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.receipts import network_name
from common import sandbox
from common.errors import Refused
from common.formats import NBSP, PARIS, english
from decisions.letters import long_date, money
from notifications.rendering import one_line, tidy

from .models import AgreementTemplate, Condition, add_months

logger = logging.getLogger(__name__)

DEFAULT_FILE = "projects/agreements/agreement.{language}.txt"
PDF_TEMPLATE = "projects/agreements/agreement_pdf.html"
TITLE_LENGTH = 255

# What an agreement template receives (shown to staff who edit them, filled with samples in the
# preview), in this order.
VARIABLES = (
    "network_name",
    "reference",
    "title",
    "call_title",
    "programme",
    "lead_name",
    "carrier",
    "finance_contact",
    "amount",
    "duration_months",
    "from_signature",
    "start_date",
    "end_date",
    "schedule",
    "version",
    "reason",
    "date",
)


class AgreementTextError(Refused):
    """The agreement cannot be written; the message is for staff."""


@dataclass(frozen=True)
class AgreementText:
    title: str
    body: str
    language: str


def agreement_language(project) -> str:
    """The carrier's language when the site offers it, else French."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = getattr(project.carrier, "language", "")
    return language if language in codes else settings.LANGUAGE_CODE


# The facts, JSON-safe


def iso(value):
    return value.isoformat() if value else None


def figures_of(project, *, version, reason="", today=None) -> dict:
    """What the agreement of `project` is made from, as plain JSON-safe values (Decimal and
    dates as strings). Names and titles are read in the active language."""
    application = project.application
    call = application.call
    lead = application.lead
    carrier = project.carrier
    duration = project.duration_months or call.project_duration_months
    from_signature = call.duration_from_signature or project.start_date is None
    start = None if from_signature else project.start_date
    end = add_months(start, duration) - dt.timedelta(days=1) if start and duration else None
    return {
        "reference": application.reference,
        "title": application.title,
        "call_title": call.title,
        "programme": call.programme.title if call.programme_id else "",
        "lead_name": lead.get_full_name() or lead.email,
        "carrier": {
            "name": carrier.name if carrier else "",
            "acronym": carrier.acronym if carrier else "",
            "city": carrier.city if carrier else "",
        },
        "finance_contact": {
            "name": project.finance_contact_name,
            "email": project.finance_contact_email,
        },
        "amount": str(project.amount_granted),
        "duration_months": duration,
        "from_signature": from_signature,
        "start_date": iso(start),
        "end_date": iso(end),
        "schedule": [
            {
                "position": instalment.position,
                "label": instalment.label,
                "amount": str(instalment.amount),
                "share": None if instalment.share is None else str(instalment.share),
                "planned_on": iso(instalment.planned_on),
                "condition": instalment.condition,
            }
            for instalment in project.instalments.all()
        ],
        "version": version,
        "reason": reason,
        "date": iso(today or timezone.localdate(timezone=PARIS)),
    }


# The facts, written out


def written_date(value) -> str:
    return long_date(dt.date.fromisoformat(value)) if value else ""


def share_text(value) -> str:
    """70 -> "70 %" in French, "70%" in English; 69.5 -> "69,5 %"."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    places = max(-number.as_tuple().exponent, 0)
    text = formats.number_format(number, decimal_pos=places, use_l10n=True)
    return f"{text}%" if english() else f"{text}{NBSP}%"


def context_of(figures) -> dict:
    """The template's variables: `figures` written out in the active language (plain values)."""
    conditions = dict(Condition.choices)
    return sandbox.plain(
        {
            "network_name": network_name(),
            **{key: figures[key] for key in ("reference", "title", "call_title", "programme")},
            "lead_name": figures["lead_name"],
            "carrier": figures["carrier"],
            "finance_contact": figures["finance_contact"],
            "amount": money(Decimal(figures["amount"])),
            "duration_months": figures["duration_months"],
            "from_signature": figures["from_signature"],
            "start_date": written_date(figures["start_date"]),
            "end_date": written_date(figures["end_date"]),
            "schedule": [
                {
                    "position": row["position"],
                    "label": row["label"],
                    "amount": money(Decimal(row["amount"])),
                    "share": share_text(row["share"]),
                    "planned_on": written_date(row["planned_on"]),
                    "condition": ""
                    if row["condition"] == Condition.NONE
                    else str(conditions.get(row["condition"], "")),
                }
                for row in figures["schedule"]
            ],
            "version": figures["version"],
            "reason": figures["reason"],
            "date": written_date(figures["date"]),
        }
    )


def sample_figures() -> dict:
    """Sample facts: for the admin's preview, and the names a template may use."""
    return {
        "reference": "007-00042",
        "title": "Photographies d'Afrique",
        "call_title": _("Call for projects 2026 – Enriched digitisation"),
        "programme": _("Digitisation"),
        "lead_name": "Alex Porteur",
        "carrier": {"name": "Université de Strasbourg", "acronym": "Unistra", "city": "Strasbourg"},
        "finance_contact": {"name": "Paul Compta", "email": "compta@example.org"},
        "amount": "12500.00",
        "duration_months": 24,
        "from_signature": True,
        "start_date": None,
        "end_date": None,
        "schedule": [
            {
                "position": 1,
                "label": _("At signature"),
                "amount": "8750.00",
                "share": "70",
                "planned_on": "2026-04-01",
                "condition": Condition.AGREEMENT_SIGNED,
            },
            {
                "position": 2,
                "label": _("On the final report"),
                "amount": "3750.00",
                "share": "30",
                "planned_on": "2028-04-30",
                "condition": Condition.REPORT_ACCEPTED,
            },
        ],
        "version": 1,
        "reason": "",
        "date": iso(timezone.localdate(timezone=PARIS)),
    }


def sample_context() -> dict:
    return context_of(sample_figures())


# Rendering


def template_for(kind, language):
    """The staff template for this kind of call, else the one for every kind, else None."""
    candidates = AgreementTemplate.objects.filter(kind__in=[kind, ""], language=language)
    return max(candidates, key=lambda template: template.kind == kind, default=None)


def render_source(title_source, body_source, context) -> AgreementText:
    """A template (staff's or the default), in the sandbox, as plain text: every name it uses
    must be one the sample offers. Raises on a refused name, and on an empty title or body."""
    offered = sample_context()
    title = one_line(sandbox.render(title_source, context, offered=offered))
    body = tidy(sandbox.render(body_source, context, offered=offered))
    if not title:
        raise AgreementTextError(_("The title is empty."))
    if not body:
        raise AgreementTextError(_("The agreement is empty."))
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1] + "…"
    return AgreementText(title, body, translation.get_language())


def default_source(language) -> tuple[str, str]:
    """The default text's (title, body) sources: the file's first line, then the rest."""
    source = get_template(DEFAULT_FILE.format(language=language)).template.source
    title, _newline, body = source.strip().partition("\n")
    return title, body


def render_agreement(kind, language, figures) -> AgreementText:
    """The agreement for a call of `kind`, in `language`, from `figures`: the staff template
    for the kind, else the one for every kind, else the default text. A staff template that
    fails is not used silently: staff are told, and correct it (the admin's preview says why)."""
    template = template_for(kind, language)
    with translation.override(language):
        context = context_of(figures)
        if template is None:
            return render_source(*default_source(language), context)
        try:
            return render_source(template.title, template.body, context)
        except Refused as error:
            raise AgreementTextError(
                _("The agreement template “%(template)s” cannot be used: %(error)s")
                % {"template": template, "error": " ".join(error.messages)}
            ) from None


def preview(template) -> dict:
    """What the template `template` (saved or not) writes with sample data, as the PDF's layout
    takes it ({"paper": ...}), or {"error": ...} with what stops it."""
    language = template.language or settings.LANGUAGE_CODE
    with translation.override(language):
        figures = sample_figures()
        try:
            text = render_source(template.title, template.body, context_of(figures))
        except Exception as error:  # shown to the editor instead of the agreement
            if isinstance(error, Refused):
                message = " ".join(error.messages)
            else:
                message = str(error) or type(error).__name__
            return {"error": message, "paper": {"language": language}}
        return {"paper": paper(text.title, text.body, language, figures)}


# The PDF


def paper(title, body, language, figures) -> dict:
    """What the layout shows: the text and, around it, the network, the reference, the version."""
    return {
        "title": title,
        "body": body,
        # The letters' paper names its document from letter.subject.
        "letter": {"subject": title},
        "language": language,
        "network_name": network_name(),
        "reference": figures["reference"],
        "version": figures["version"],
        "date": written_date(figures["date"]),
    }


def agreement_pdf(title, body, language, figures) -> bytes:
    """The agreement as an A4 PDF: the one renderer of this document."""
    from weasyprint import HTML  # Imported here: loading Pango is slow and only needed here.

    with translation.override(language):
        html = render_to_string(PDF_TEMPLATE, {"paper": paper(title, body, language, figures)})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_filename(version) -> str:
    with translation.override(version.language):
        prefix = slugify(pgettext("file name", "funding-agreement")) or "agreement"
    return f"{prefix}-{version.project.application.reference}-v{version.number}.pdf"
