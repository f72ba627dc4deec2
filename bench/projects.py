"""Benchmark of funded projects (issue 17): the staff list of projects and one project's page
(p50 and p95 over HTTP), and the payments export (CSV and XLSX), on the review call once
reviewed: each of its 1,000 applications funded by the members' council, and each project
then carried, signed, given a 70 % / 30 % schedule and paid its first instalment, all through
the services staff use (decisions.services, projects.services, projects.payments).

The agreement is recorded as signed through projects.services.sign_agreement: making each
version's PDF would time WeasyPrint 1,000 times, which the reports' benchmark already does.
"""

import datetime as dt
import time
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Institution, User
from decisions.models import Decision, Outcome
from decisions.services import record_batch
from projects import payments, services
from projects.models import Condition, Project

from .http import Browser, p50, percentile
from .pages import page_timings, record
from .prepare import session_cookies

SCHEDULE = [
    ("Versement à la signature", Decimal("70"), Condition.AGREEMENT_SIGNED),
    ("Solde sur rapport final", Decimal("30"), Condition.REPORT_ACCEPTED),
]
# The payments export for the accounting office, in both its formats.
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_LOADS = 5


def prepare_projects(call, log=print):
    """Every application of `call` (reviewed) funded at what it asked, and its project carried,
    signed, scheduled and paid its first instalment. Returns the number of projects."""
    manager = User.objects.get(email="gestion@example.org")
    started = time.perf_counter()
    ids = list(call.applications.order_by("pk").values_list("pk", flat=True))
    record_batch(
        ids,
        manager,
        outcome=Outcome.FUNDED,
        meeting_date=timezone.localdate(),
        motivation="Décision du conseil des membres pour le banc d'essai des projets.",
        override_reason="Banc d'essai : enveloppe dépassée à dessein.",
    )
    carriers = list(Institution.objects.order_by("name")[:25])
    signed_on = timezone.localdate() - dt.timedelta(days=30)
    decisions = Decision.objects.filter(application__call=call).order_by("application_id")
    for number, decision in enumerate(decisions.iterator()):
        project = services.create_project(decision, manager)
        services.set_carrier(
            project,
            manager,
            carrier=carriers[number % len(carriers)] if carriers else None,
            finance_contact_name="Agence comptable",
            finance_contact_email=f"agence-{number % 25}@example.org",
        )
        services.sign_agreement(
            project, manager, signed_on=signed_on, start_date=signed_on, duration_months=24
        )
        payments.set_schedule(project, schedule_rows(signed_on), manager)
        first = project.instalments.order_by("position").first()
        payments.record_payment(
            first,
            paid_on=signed_on + dt.timedelta(days=7),
            amount=first.amount,
            reference=f"BANC-{decision.application_id}",
            actor=manager,
        )
        if number and number % 250 == 0:
            log(f"  {number} projects signed, scheduled and paid")
    log(f"{len(ids)} projects in {time.perf_counter() - started:.0f} s")
    return len(ids)


def schedule_rows(signed_on):
    return [
        {
            "instalment": None,
            "label": label,
            "share": share,
            "amount": None,
            "planned_on": signed_on if position == 0 else signed_on + dt.timedelta(days=730),
            "condition": condition,
        }
        for position, (label, share, condition) in enumerate(SCHEDULE)
    ]


def measure_projects(results, metric, call, log=print, most_loads=20):
    """The projects made from `call`, then the list, a project's page and the export timed."""
    count = prepare_projects(call, log=log)
    manager = User.objects.get(email="gestion@example.org")
    project = Project.objects.filter(decision__application__call=call).order_by("pk")[0]
    with translation.override("fr"):
        pages = [
            (
                "projects.list",
                reverse("projects:list"),
                f"the staff list of funded projects ({count} projects, 100 a page)",
            ),
            (
                "projects.page",
                reverse("projects:project", args=[project.pk]),
                "one project's page (carrier, agreement signed, 70/30 schedule, a payment, "
                "history), as staff see it with its forms",
            ),
        ]
        exports = {fmt: reverse("projects:export_payments", args=[fmt]) for fmt in EXPORT_FORMATS}
    for key, path, what in pages:
        timings = page_timings(manager, path, most_loads)
        record(results, metric, key, timings, what)
        log(f"{key}: p50 {p50(timings):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms")
    browser = Browser(session_cookies(manager), timeout=120)
    for fmt, path in exports.items():
        timings = []
        for _ in range(max(1, min(EXPORT_LOADS, most_loads // 4))):
            status, _location, body, ms = browser.request("GET", path)
            if status != 200:
                raise SystemExit(f"GET {path} answered {status}")
            timings.append(ms)
        results[f"projects.payments_export_{fmt}.s"] = metric(
            p50(timings) / 1000,
            "s",
            f"median of {len(timings)} payments exports as {fmt.upper()} (GET {path}): every "
            f"payment of the {count} projects, {len(body)} bytes",
        )
        log(f"payments export {fmt}: {p50(timings) / 1000:.2f} s, {len(body)} bytes")
