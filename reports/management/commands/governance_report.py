"""Build a governance report from the command line, at once (no Celery), into a file.

    python manage.py governance_report call <slug> --out FILE.pdf [--language fr|en]
    python manage.py governance_report programme <code> --year YYYY --out FILE.pdf
    python manage.py governance_report programme all --year YYYY --out FILE.pdf
    python manage.py governance_report dossiers <slug> --out FILE.pdf
    python manage.py governance_report projects <code>|all [--year YYYY] --out FILE.pdf

The dossier book made here holds every dossier, as staff's does.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from calls.models import Call, Programme
from reports.governance import build_document
from reports.governance.registry import REPORT_TYPES

EVERY_PROGRAMME = "all"


class Command(BaseCommand):
    help = (
        "Build a governance report (call, programme and year, dossier book, funded projects)"
        " as a PDF file."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[kind.value for kind in REPORT_TYPES])
        parser.add_argument(
            "subject", help=f"the call's slug, or the programme's code ('{EVERY_PROGRAMME}': all)"
        )
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument(
            "--year", type=int, help="the year (programme reports; funded projects: optional)"
        )
        parser.add_argument(
            "--language", default="fr", choices=[code for code, _name in settings.LANGUAGES]
        )

    def handle(self, *args, kind, subject, out, year, language, **options):
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"No such folder: {target.parent}")
        entry = REPORT_TYPES[kind]
        call = find_call(subject) if entry.needs_call else None
        if entry.needs_year and year is None:
            raise CommandError(f"A {kind} report needs --year YYYY.")
        programme = find_programme(subject) if entry.about_programmes else None
        document = build_document(
            kind, call=call, programme=programme, year=year, language=language
        )
        target.write_bytes(document.pdf)
        self.stdout.write(f"{target}: {document.pages} pages, {len(document.pdf):,} bytes.")


def find_call(slug):
    call = Call.objects.select_related("programme").filter(slug=slug).first()
    if call is None:
        raise CommandError(f"No call with the slug {slug!r}.")
    return call


def find_programme(code):
    """The programme of `code`; None for every programme."""
    if code == EVERY_PROGRAMME:
        return None
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        codes = ", ".join(Programme.objects.values_list("code", flat=True))
        raise CommandError(
            f"No programme with the code {code!r} (known: {codes or 'none'};"
            f" '{EVERY_PROGRAMME}' for every programme)."
        )
    return programme
