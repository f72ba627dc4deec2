"""One function builds every report: read the data, render the HTML in the reader's language,
lay it out with WeasyPrint. `progress(percent)` is told as the build goes."""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.receipts import network_name

from .readers import withheld_in
from .registry import ReportSubjectMissing, Subject, report_type

__all__ = ["Document", "ReportSubjectMissing", "build_document", "render_pdf"]


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
    """The report of `kind` (a ReportKind, reports.governance.registry) as PDF.

    reader: the person the call report or the dossier book is made for. For a council member,
    the dossiers they may not read (conflict of interest, own review not submitted yet) are left
    out of the book and have their scores withheld in the call report; staff's, or one made from
    the command line (reader None), hold them all. The document says which it withheld.
    """
    data_date = timezone.now()
    entry = report_type(kind)
    entry.check(call=call, year=year)
    # Asked once: what is withheld is what the report says it withheld.
    withheld = withheld_in(call, reader) if entry.built_for_reader else {}
    with translation.override(language):
        subject = Subject(
            call=call, programme=programme, year=year, reader=reader, withheld=withheld
        )
        context = entry.context(subject)
        progress(30)
        context.update(
            network_name=network_name(),
            language=language,
            data_date=data_date,
        )
        html = render_to_string(entry.template, context)
    progress(40)
    return Document(*render_pdf(html, progress), data_date=data_date, withheld=frozenset(withheld))


def render_pdf(html, progress=no_progress):
    """(PDF bytes, number of pages) of an HTML document."""
    from weasyprint import HTML  # Imported here: loading Pango is slow and only needed here.

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    progress(85)
    return document.write_pdf(), len(document.pages)
