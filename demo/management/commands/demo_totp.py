"""The code that the authenticator app of a demo staff or council account shows now:

    python manage.py demo_totp gestion@example.org

For the demo only (the demo app is not installed in production): it refuses any account whose
authenticator app the demo did not set up with its published key.
"""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from demo.people import demo_secret_of


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo staff or council account (demo only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="admin@example.org, gestion@example.org, ...")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email).first()
        secret = demo_secret_of(user) if user is not None else None
        if secret is None:
            raise CommandError(
                f"{email} has no authenticator app set up by the demo: this command gives the "
                "codes of the demo's staff and council accounts only."
            )
        now = int(time.time())
        period = app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(secret, now // period)))
        self.stderr.write(f"(valid for {period - now % period} more seconds, and once)")
