"""One function builds every report: read the data, render the HTML in the reader's language,
lay it out with WeasyPrint. `progress(percent)` is told as the build goes."""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.receipts import network_name
from common.errors import Refused

from .call_report import call_report_context
from .dossier_book import dossier_book_context
from .programme_report import programme_report_context
from .readers import withheld_in

TEMPLATES = {
    "call": "reports/pdf/call.html",
    "programme": "reports/pdf/programme.html",
    "dossiers": "reports/pdf/dossiers.html",
}


class ReportSubjectMissing(Refused, ValueError):
    """A call report without a call, a programme report without a year."""


@dataclass(frozen=True)
class Document:
    pdf: bytes
    pages: int
    data_date: object  # aware datetime: when the data was read
    # The applications withheld from its reader (reports.governance.readers): their ids.
    withheld: frozenset = field(default_factory=frozenset)


def no_progress(percent):
    return None


def build_document(
    kind,
    *,
    call=None,
    programme=None,
    year=None,
    language=settings.LANGUAGE_CODE,
    reader=None,
    progress=no_progress,
) -> Document:
    """The report of `kind` ("call", "programme", "dossiers") as PDF.

    reader: the person the call report or the dossier book is made for. For a council member,
    the dossiers they may not read (conflict of interest, own review not submitted yet) are left
    out of the book and have their scores withheld in the call report; staff's, or one made from
    the command line (reader None), hold them all. The document says which it withheld.
    """
    data_date = timezone.now()
    withheld = {}
    with translation.override(language):
        if kind in ("call", "dossiers") and call is None:
            raise ReportSubjectMissing("a call is needed")
        if kind in ("call", "dossiers"):
            withheld = withheld_in(call, reader)  # asked once: what is withheld is what is said
        if kind == "call":
            context = call_report_context(call, reader, withheld)
        elif kind == "dossiers":
            context = dossier_book_context(call, reader, withheld)
        elif kind == "programme":
            if not year:
                raise ReportSubjectMissing("a year is needed")
            context = programme_report_context(programme, int(year))
        else:
            raise ReportSubjectMissing(f"unknown report kind {kind!r}")
        progress(30)
        context.update(
            network_name=network_name(),
            language=language,
            data_date=data_date,
        )
        html = render_to_string(TEMPLATES[kind], context)
    progress(40)
    return Document(*render_pdf(html, progress), data_date=data_date, withheld=frozenset(withheld))


def render_pdf(html, progress=no_progress):
    """(PDF bytes, number of pages) of an HTML document."""
    from weasyprint import HTML  # Imported here: loading Pango is slow and only needed here.

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    progress(85)
    return document.write_pdf(), len(document.pages)
