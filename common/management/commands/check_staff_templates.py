"""List the stored templates that staff edited and that the sandbox refuses (common.sandbox).

Every model whose rows are templates that staff edit has a `refusals()` method; this command asks
each row. Run it after upgrading: a refused template is not used (its default text is sent
instead) until someone corrects it in the admin. Exits with status 1 when any is refused.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Lists the staff-edited templates (letters, messages, agreements) the sandbox refuses."

    def handle(self, *args, **options):
        refused = 0
        for model in apps.get_models():
            if not callable(getattr(model, "refusals", None)):
                continue
            for template in model._default_manager.all():
                for field, problems in template.refusals().items():
                    refused += 1
                    label = f"{model._meta.verbose_name} #{template.pk} “{template}”, {field}"
                    self.stdout.write(f"{label}: {' '.join(problems)}")
        if refused:
            raise CommandError(
                f"{refused} template field(s) refused: correct them in the admin; until then "
                "their default texts are used."
            )
        self.stdout.write("Every staff-edited template is accepted.")
