"""Run the retention now, as the nightly task does, or say what it would do.

python manage.py run_retention --dry-run   # per rule: the count and the records due
python manage.py run_retention --dry-run --as-of 2027-06-30   # what will be due on that day
python manage.py run_retention             # anonymise them, and print the counts
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
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
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            help="With --dry-run: what will be due at the end of this day (YYYY-MM-DD).",
        )

    def handle(self, *args, dry_run=False, as_of=None, **options):
        now = timezone.now()
        if as_of is not None:
            # Only a preview: a real run never anonymises before a period has ended.
            if not dry_run:
                raise CommandError("--as-of previews a later run: use it with --dry-run.")
            end_of_day = dt.datetime.combine(as_of, dt.time.max)
            now = timezone.make_aware(end_of_day, timezone.get_default_timezone())
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
