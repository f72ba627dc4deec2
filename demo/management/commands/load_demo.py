"""Load the demo: the network, its pages, institutions, programmes, calls and demo accounts.

    python manage.py load_demo               # the demo (five calls, seven accounts)
    python manage.py load_demo --size large  # plus volume for benchmarks

Safe to run again: everything is found by its natural key (e-mail, name, code, slug) and updated.
"""

import logging
import time
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, User
from calls.models import Call, CallCriterion
from demo.calls import load_call
from demo.directory import load_institutions, load_programmes
from demo.facts import load_network
from demo.people import DEMO_PASSWORD, load_demo_users
from demo.site import load_home_page, load_network_settings, load_standard_pages
from demo.volume import load_volume_accounts, load_volume_calls

# Libraries that log every task, revision and PDF step at INFO: quiet unless --verbosity 2.
CHATTY_LOGGERS = ["django_tasks", "modelsearch", "wagtail", "weasyprint"]


class Command(BaseCommand):
    help = "Load the demo data of the network (idempotent). --size large adds benchmark volume."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "large"], default="small")

    def handle(self, *args, size, verbosity, **options):
        if verbosity > 1:
            self.load(size)
        else:
            with quiet(CHATTY_LOGGERS):
                self.load(size)

    def load(self, size):
        started = time.perf_counter()
        facts = load_network()
        now = timezone.now()
        # One hash for every account: hashing is deliberately slow.
        password_hash = make_password(DEMO_PASSWORD)

        with transaction.atomic():
            load_network_settings(facts["network"])
            home = load_home_page(facts["site"])
            load_standard_pages(home, facts["pages"])
            load_institutions(facts)
            programmes = {p.code: p for p in load_programmes(facts["programmes"])}
            for spec in facts["example_calls"]:
                load_call(spec, facts, programmes, now=now)
            users = load_demo_users(password_hash)
        self.stdout.write(f"Demo loaded in {time.perf_counter() - started:.1f} s.")

        if size == "large":
            self.load_volume(facts, programmes, password_hash, now)

        self.report(users)

    def load_volume(self, facts, programmes, password_hash, now):
        started = time.perf_counter()
        with transaction.atomic():
            load_volume_calls(facts, programmes, now=now)
            applicants, reviewers = load_volume_accounts(password_hash)
        self.stdout.write(
            f"Benchmark volume in {time.perf_counter() - started:.1f} s: "
            f"{applicants} applicants and {reviewers} reviewers created "
            "(existing e-mails skipped)."
        )

    def report(self, users):
        self.stdout.write(
            f"{Institution.objects.count()} institutions, {Call.objects.count()} calls "
            f"({Call.objects.published().count()} published), "
            f"{CallCriterion.objects.count()} criteria, {User.objects.count()} accounts."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}, for the demo only):")
        rows = [("E-mail", "Role")] + [
            (user.email, str(role.value) if role else "Applicant") for user, role in users
        ]
        width = max(len(email) for email, _role in rows)
        for email, role in rows:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
        self.stdout.write("Sign in at /accounts/login/; staff reach the Wagtail admin at /admin/.")


@contextmanager
def quiet(names):
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
