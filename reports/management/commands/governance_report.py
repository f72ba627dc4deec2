"""Build a governance report from the command line, at once (no Celery), into a file.

    python manage.py governance_report call <slug> --out FILE.pdf [--language fr|en]
    python manage.py governance_report programme <code> --year YYYY --out FILE.pdf
    python manage.py governance_report programme all --year YYYY --out FILE.pdf
    python manage.py governance_report dossiers <slug> --out FILE.pdf

The dossier book made here holds every dossier, as staff's does.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from calls.models import Call, Programme
from reports.governance import build_document

EVERY_PROGRAMME = "all"


class Command(BaseCommand):
    help = "Build a governance report (call, programme and year, dossier book) as a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["call", "programme", "dossiers"])
        parser.add_argument(
            "subject", help=f"the call's slug, or the programme's code ('{EVERY_PROGRAMME}': all)"
        )
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--year", type=int, help="the year (programme reports)")
        parser.add_argument(
            "--language", default="fr", choices=[code for code, _name in settings.LANGUAGES]
        )

    def handle(self, *args, kind, subject, out, year, language, **options):
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"No such folder: {target.parent}")
        call = programme = None
        if kind in ("call", "dossiers"):
            call = Call.objects.select_related("programme").filter(slug=subject).first()
            if call is None:
                raise CommandError(f"No call with the slug {subject!r}.")
        else:
            if year is None:
                raise CommandError("A programme report needs --year YYYY.")
            if subject != EVERY_PROGRAMME:
                programme = Programme.objects.filter(code=subject).first()
                if programme is None:
                    codes = ", ".join(Programme.objects.values_list("code", flat=True))
                    raise CommandError(
                        f"No programme with the code {subject!r} (known: {codes or 'none'};"
                        f" '{EVERY_PROGRAMME}' for every programme)."
                    )
        document = build_document(
            kind, call=call, programme=programme, year=year, language=language
        )
        target.write_bytes(document.pdf)
        self.stdout.write(f"{target}: {document.pages} pages, {len(document.pdf):,} bytes.")
