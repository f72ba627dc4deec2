"""Load the demo: the network, its pages, institutions, programmes, calls and demo accounts.

    python manage.py load_demo               # six calls (one in review, one decided and its
                                             # projects played forward), 7 accounts
    python manage.py load_demo --size large  # plus volume for benchmarks

Safe to run again: everything is found by its natural key (e-mail, name, code, slug) and updated.
"""

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, User
from applications.models import Application
from calls.models import Call, CallCriterion
from demo.calls import load_call
from demo.decisions import decision_summary, load_decision_stage
from demo.directory import load_institutions, load_programmes
from demo.facts import load_network
from demo.labels import labels_summary, load_label_stage
from demo.people import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERS,
    demo_password_hash,
    load_demo_users,
)
from demo.project_reports import reports_summary
from demo.projects import load_project_stage, project_summary
from demo.review import load_review_stage
from demo.site import (
    load_home_page,
    load_network_settings,
    load_privacy_notice,
    load_standard_pages,
)
from demo.volume import (
    load_volume_accounts,
    load_volume_calls,
    load_volume_collections,
    load_volume_reviewer_profiles,
)
from reviews.models import Assignment, ConsensusReport, Review, ReviewState

# Libraries that log every task, revision, message and PDF step at INFO: quiet unless
# --verbosity 2.
CHATTY_LOGGERS = [
    "celery",
    "decisions",
    "django_tasks",
    "modelsearch",
    "notifications",
    "wagtail",
    "weasyprint",
]
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


class Command(BaseCommand):
    help = "Load the demo data of the network (idempotent). --size large adds benchmark volume."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "large"], default="small")

    def handle(self, *args, size, verbosity, **options):
        if verbosity > 1:
            users, review_call = self.load(size)
        else:
            with quiet(CHATTY_LOGGERS), unprinted_emails() as outbox:
                users, review_call = self.load(size)
            if outbox:
                self.stdout.write(
                    f"{len(outbox)} e-mails to demo accounts not printed (--verbosity 2 prints "
                    "them); each account finds its messages on the site."
                )
        self.report(users, review_call)

    def load(self, size):
        started = time.perf_counter()
        facts = load_network()
        now = timezone.now()
        # One hash for every account: hashing is deliberately slow.
        password_hash = demo_password_hash()

        with transaction.atomic():
            load_network_settings(facts["network"])
            home = load_home_page(facts["site"])
            load_standard_pages(home, facts["pages"])
            load_privacy_notice(home, facts["privacy_notice"])
            load_institutions(facts)
            programmes = {p.code: p for p in load_programmes(facts["programmes"])}
            for spec in facts["example_calls"]:
                load_call(spec, facts, programmes, now=now)
            users = load_demo_users(password_hash)
        with transaction.atomic():
            review_call = load_review_stage(facts, password_hash, now)
        with transaction.atomic():
            load_decision_stage(facts, programmes, password_hash, now)
        with transaction.atomic():
            load_project_stage(now)
        with transaction.atomic():
            load_label_stage(facts, programmes, password_hash, now)
        self.stdout.write(f"Demo loaded in {time.perf_counter() - started:.1f} s.")

        if size == "large":
            self.load_volume(facts, programmes, password_hash, now)

        return users, review_call

    def load_volume(self, facts, programmes, password_hash, now):
        started = time.perf_counter()
        with transaction.atomic():
            load_volume_calls(facts, programmes, now=now)
            applicants, reviewers = load_volume_accounts(password_hash)
            profiles = load_volume_reviewer_profiles()
            collections = load_volume_collections()
        self.stdout.write(
            f"Benchmark volume in {time.perf_counter() - started:.1f} s: "
            f"{applicants} applicants and {reviewers} reviewers created, "
            f"{profiles} reviewer profiles, {collections} labelled collections "
            "(existing ones skipped)."
        )

    def report(self, users, review_call):
        self.stdout.write(
            f"{Institution.objects.count()} institutions, {Call.objects.count()} calls "
            f"({Call.objects.published().count()} published), "
            f"{CallCriterion.objects.count()} criteria, {User.objects.count()} accounts."
        )
        submitted = Review.objects.filter(state=ReviewState.SUBMITTED).count()
        final = ConsensusReport.objects.exclude(finalised_at=None).count()
        self.stdout.write(
            f"{Application.objects.count()} applications, {Assignment.objects.count()} "
            f"reviewer assignments, {Review.objects.count()} reviews ({submitted} submitted), "
            f"{final} final consensus report{'s' if final != 1 else ''}."
        )
        self.stdout.write(
            f"In review: {review_call.title_fr} ({review_call.get_absolute_url()}); "
            "sign in as expert1 or expert2 for the reviewer's side, conseil for the ranking."
        )
        self.stdout.write(decision_summary())
        self.stdout.write(project_summary())
        self.stdout.write(reports_summary())
        self.stdout.write(labels_summary())
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}, for the demo only):")
        rows = [("E-mail", "Role")] + [
            (user.email, str(role.value) if role else "Applicant") for user, role in users
        ]
        width = max(len(email) for email, _role in rows)
        for email, role in rows:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
        self.stdout.write("Sign in at /accounts/login/; staff reach the Wagtail admin at /admin/.")
        second = ", ".join(facts["email"] for facts in DEMO_USERS if facts.get("totp"))
        self.stdout.write(
            f"{second} also type a code from an authenticator app after the password: add the "
            f"key {DEMO_TOTP_SECRET} to one (FreeOTP, Aegis, Google Authenticator...), or get "
            "the current code with: make totp EMAIL=gestion@example.org"
        )


@contextmanager
def unprinted_emails():
    """While the demo loads, keep the e-mails the console backend would print (pages of them,
    with PDF receipts in base64) in memory; yields that list. Other backends are left alone."""
    if settings.EMAIL_BACKEND != CONSOLE_EMAIL:
        yield []
        return
    from django.test.utils import override_settings

    kept = getattr(mail, "outbox", None)
    mail.outbox = []
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield mail.outbox
    finally:
        if kept is None:
            del mail.outbox
        else:
            mail.outbox = kept


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
