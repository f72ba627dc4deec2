"""Write the register of processing as Markdown, to stdout or a file:

    python manage.py personal_data_register --output docs/personal-data.md
    python manage.py personal_data_register --language fr

docs/personal-data.md is this command's English output; a test fails when they differ.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from privacy.register_document import register_markdown


class Command(BaseCommand):
    help = "Write the register of personal data processing as Markdown (stdout or --output)."

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=["en", "fr"], default="en")
        parser.add_argument("--output", type=Path, help="a file to write instead of stdout")

    def handle(self, *args, language, output, **options):
        document = register_markdown(language)
        if output is None:
            self.stdout.write(document, ending="")
        else:
            output.write_text(document, encoding="utf-8")
            self.stdout.write(f"Written to {output}.")
