"""Run the retention now, as the nightly task does, or say what it would do.

python manage.py run_retention --dry-run   # per rule: the count and the records due
python manage.py run_retention             # anonymise them, and print the counts
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy import retention
from privacy.register import RETENTION_RULES


class Command(BaseCommand):
    help = (
        "Anonymise the applications and accounts past their retention period and delete the"
        " delivery log past its own; with --dry-run, list what is due and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        if not dry_run:
            event = retention.run(now)
            for key, counts in event.counts.items():
                numbers = ", ".join(f"{count} {what}" for what, count in counts.items())
                self.stdout.write(f"{key}: {numbers}")
            return
        for key, records in retention.due(now).items():
            rule = RETENTION_RULES[key]
            self.stdout.write(f"{key} ({rule.period} {rule.unit}): {records.count()} due")
            if key == "delivery_log":
                continue
            for record in records[:50]:
                ends = retention.ends(rule, record.since)
                self.stdout.write(
                    f"  {label(record)}  since {record.since:%Y-%m-%d}, due {ends:%Y-%m-%d}"
                )


def label(record):
    """An application by its reference, an account by its number (never its name or address)."""
    reference = getattr(record, "reference", None)
    return reference if reference is not None else f"account #{record.pk}"
