"""Re-compute every submission's fingerprint and every stored file's hash, after a restore or
at any time; list what differs and what is missing, and exit with status 1 when anything does.

    python manage.py verify_integrity
"""

from django.core.management.base import BaseCommand, CommandError

from reports.integrity import verify_integrity


class Command(BaseCommand):
    help = (
        "Check every submission against its fingerprint and every stored file against its hash;"
        " list mismatches and missing files (exit status 1 when there are any)."
    )

    def handle(self, *args, **options):
        verification = verify_integrity(on_finding=lambda finding: self.stdout.write(str(finding)))
        if not verification.intact:
            raise CommandError(verification.summary(), returncode=1)
        self.stdout.write(verification.summary())
