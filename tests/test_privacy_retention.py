"""The retention run: each rule at its edge (a day before its period ends, kept; a day after,
anonymised), calendar years (29 February ends on 28 February), holds, a second run that finds
nothing to do, and the governance reports that copied what it removed."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from accounts.roles import Role
from applications.models import Application, ApplicationEvent, AuditSubject
from applications.services import reopen_application
from calls.models import Call
from decisions.models import Decision
from decisions.services import withdraw_funding
from notifications.models import Delivery, Message
from privacy.anonymise import anonymise_account
from privacy.models import Anonymisation, EventKind, Hold, PrivacyEvent
from privacy.retention import due, run, years_after, years_before
from privacy.tasks import run_retention
from projects.models import Project
from reports.models import Report, ReportKind
from reports.tasks import build_report
from reviews.models import Review

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    UserFactory,
    decided_application,
)
from .privacy_dossiers import refuse_updates_of, submitted_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_private_folder")]

START = dt.datetime(2019, 3, 14, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
PERIODS = {
    "NOT_FUNDED_YEARS": 5,
    "FUNDED_YEARS": 10,
    "ABANDONED_DRAFT_YEARS": 2,
    "INACTIVE_ACCOUNT_YEARS": 3,
    "DELIVERY_LOG_DAYS": 365,
}


def at(moment, queryset, field):
    """Give the rows of `queryset` the date `moment` (auto_now fields cannot be set otherwise)."""
    queryset.update(**{field: moment})


def decided(outcome):
    def make(since):
        application = decided_application(outcome=outcome)
        at(since, Decision.objects.filter(application=application), "decided_at")
        return application

    return make


def closed_project(state):
    """A funded dossier whose project was closed (or terminated) at `since`, years after its
    decision, as the project's audit trail says."""

    def make(since):
        application = decided_application(outcome="funded")
        decision = application.decision
        at(since - DAY * 1500, Decision.objects.filter(pk=decision.pk), "decided_at")
        project = Project.objects.create(decision=decision, amount_granted=Decimal("8000.00"))
        Project.objects.filter(pk=project.pk).update(state=state)
        event = ApplicationEvent.objects.create(
            application=application,
            subject=AuditSubject.PROJECT,
            action=state,
            from_state="running",
            to_state=state,
        )
        at(since, ApplicationEvent.objects.filter(pk=event.pk), "created_at")
        at(since + DAY * 30, Project.objects.filter(pk=project.pk), "updated_at")
        return application

    return make


def ended(state):
    """An application ruled ineligible or withdrawn at `since`, as its audit trail says."""

    def make(since):
        application = ApplicationFactory(submitted=True, state=state)
        event = ApplicationEvent.objects.create(
            application=application, action=state, from_state="submitted", to_state=state
        )
        at(since, ApplicationEvent.objects.filter(pk=event.pk), "created_at")
        at(since + DAY * 200, Application.objects.filter(pk=application.pk), "updated_at")
        return application

    return make


def undecided(state):
    """An application still waiting for a decision (its call was cancelled) whose call closed
    at `since`; it changed later, and the period still counts from the closing."""

    def make(since):
        application = ApplicationFactory(**{state: True})
        Call.objects.filter(pk=application.call_id).update(
            opens_at=since - DAY * 60, closes_at=since
        )
        at(since + DAY * 200, Application.objects.filter(pk=application.pk), "updated_at")
        return application

    return make


def draft(since):
    application = ApplicationFactory()
    at(since, Application.objects.filter(pk=application.pk), "updated_at")
    return application


def reopened_draft(since):
    """Submitted, then sent back to draft by staff, and never touched again."""
    application = submitted_dossier()
    staff = UserFactory(roles=[Role.PROGRAMME_MANAGER])
    reopen_application(application, staff, "Il manque la lettre de l'établissement.")
    at(since, Application.objects.filter(pk=application.pk), "updated_at")
    return application


def account(since):
    return UserFactory(date_joined=since - DAY * 400, last_login=since)


def message(since):
    user = UserFactory()
    sent = Message.objects.create(
        user=user, email=user.email, event="draft_reminder", language="fr", subject="s", text="t"
    )
    Delivery.objects.create(message=sent, to=user.email, next_attempt_at=since)
    at(since, Message.objects.filter(pk=sent.pk), "created_at")
    return sent


# Days from START to the end of each period (2020, 2024 and 2028 have a 29 February).
CASES = [
    pytest.param("not_funded", decided("rejected"), 5 * 365 + 2, id="rejected"),
    pytest.param("not_funded", ended("ineligible"), 5 * 365 + 2, id="ineligible"),
    pytest.param("not_funded", ended("withdrawn"), 5 * 365 + 2, id="withdrawn"),
    pytest.param("not_funded", undecided("submitted"), 5 * 365 + 2, id="undecided-submitted"),
    pytest.param("not_funded", undecided("eligible"), 5 * 365 + 2, id="undecided-eligible"),
    pytest.param("not_funded", undecided("in_review"), 5 * 365 + 2, id="undecided-in-review"),
    pytest.param("funded", decided("funded"), 10 * 365 + 3, id="funded"),
    pytest.param("funded", closed_project("closed"), 10 * 365 + 3, id="funded-project-closed"),
    pytest.param(
        "funded", closed_project("terminated"), 10 * 365 + 3, id="funded-project-terminated"
    ),
    pytest.param("abandoned_draft", draft, 2 * 365 + 1, id="abandoned_draft"),
    pytest.param("abandoned_draft", reopened_draft, 2 * 365 + 1, id="reopened_draft"),
    pytest.param("inactive_account", account, 3 * 365 + 1, id="inactive_account"),
    pytest.param("delivery_log", message, 365, id="delivery_log"),
]


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
@pytest.mark.parametrize(("rule", "make", "days"), CASES)
def test_a_record_is_kept_to_the_end_of_its_period_and_no_longer(rule, make, days):
    record = make(START)
    end = START + dt.timedelta(days=days)

    assert list(due(end - DAY)[rule]) == []
    run(end - DAY)
    assert not Anonymisation.objects.exists()
    assert type(record).objects.filter(pk=record.pk).exists()

    assert [row.pk for row in due(end + DAY)[rule]] == [record.pk]
    event = run(end + DAY)
    if rule == "delivery_log":
        assert not Message.objects.filter(pk=record.pk).exists()
        assert not Delivery.objects.exists()
        assert event.counts[rule] == {"deleted": 1}
    else:
        assert Anonymisation.objects.get().rule == rule
        assert event.counts[rule] == {"anonymised": 1, "failed": 0}


def test_calendar_years_end_on_28_february_for_29_february():
    leap_day = dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.UTC)
    assert years_after(leap_day, 1) == dt.datetime(2025, 2, 28, 12, 0, tzinfo=dt.UTC)
    assert years_after(leap_day, 4) == dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC)
    assert years_before(dt.datetime(2025, 2, 28, 12, 0, tzinfo=dt.UTC), 1) == leap_day
    assert years_before(dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC), 1).day == 28


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_a_draft_of_29_february_is_due_on_28_february():
    application = draft(dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.UTC))
    kept = dt.datetime(2026, 2, 27, 12, 0, tzinfo=dt.UTC)
    gone = dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC)
    assert list(due(kept)["abandoned_draft"]) == []
    assert list(due(gone)["abandoned_draft"]) == [application]


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_a_held_dossier_is_skipped_and_a_second_run_anonymises_nothing_twice():
    held, kept_going = draft(START), draft(START)
    Hold.objects.create(application=held, reason="Contentieux")
    later = START + dt.timedelta(days=3 * 365)

    first = run(later)
    second = run(later)

    assert list(Anonymisation.objects.values_list("application", flat=True)) == [kept_going.pk]
    assert Application.objects.get(pk=held.pk).title.startswith("Projet")
    assert first.counts["abandoned_draft"] == {"anonymised": 1, "failed": 0}
    assert second.counts["abandoned_draft"] == {"anonymised": 0, "failed": 0}
    assert PrivacyEvent.objects.filter(kind=EventKind.RETENTION_RUN).count() == 2


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_one_failure_is_counted_and_the_others_go_on(caplog):
    failing, other = draft(START), draft(START)
    refuse_updates_of("applications_application", pk=failing.pk)

    event = run(START + dt.timedelta(days=3 * 365))

    assert event.counts["abandoned_draft"] == {"anonymised": 1, "failed": 1}
    assert list(Anonymisation.objects.values_list("application", flat=True)) == [other.pk]
    assert Application.objects.get(pk=failing.pk).title.startswith("Projet")
    assert f"could not anonymise #{failing.pk}" in caplog.text


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_an_account_that_leads_a_dossier_kept_owes_a_review_or_runs_the_platform_stays():
    later = START + dt.timedelta(days=4 * 365)
    lead = account(START)
    ApplicationFactory(lead=lead)  # a draft changed today: kept
    reviewer = account(START)
    AssignmentFactory(reviewer=reviewer)
    staff = UserFactory(last_login=START, roles=[Role.PROGRAMME_MANAGER])
    idle = account(START)

    assert list(due(later)["inactive_account"]) == [idle]
    assert staff.pk not in [user.pk for user in due(later)["inactive_account"]]


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_funding_withdrawn_counts_from_the_withdrawal_not_from_the_decision():
    now = timezone.now()
    application = decided("funded")(years_before(now, 6))
    withdraw_funding(
        application, UserFactory(roles=[Role.PROGRAMME_MANAGER]), "Le projet est abandonné."
    )

    assert list(due(now)["not_funded"]) == []
    assert list(due(now)["funded"]) == []

    withdrawal = ApplicationEvent.objects.filter(application=application, action="withdraw_funding")
    at(years_before(now, 5) + DAY, withdrawal, "created_at")
    assert list(due(now)["not_funded"]) == []
    at(years_before(now, 5) - DAY, withdrawal, "created_at")
    assert list(due(now)["not_funded"]) == [application]


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_a_reviewer_of_a_dossier_kept_stays_until_the_dossier_is_anonymised():
    application = decided("rejected")(START)
    assignment = AssignmentFactory(application=application, accepted=True)
    Review.objects.create(assignment=assignment, state="submitted", recommendation="reject")
    reviewer = assignment.reviewer
    User.objects.filter(pk=reviewer.pk).update(date_joined=START, last_login=START)
    before_the_dossier = START + dt.timedelta(days=4 * 365)

    # Inactive for four years, owing nothing, but the dossier is kept: so is who reviewed it.
    assert list(due(before_the_dossier)["inactive_account"]) == []

    event = run(START + dt.timedelta(days=6 * 365))

    assert event.counts["not_funded"] == {"anonymised": 1, "failed": 0}
    assert event.counts["inactive_account"] == {"anonymised": 1, "failed": 0}
    assert Anonymisation.objects.filter(user=reviewer, rule="inactive_account").exists()


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_the_reviews_of_an_inactive_reviewer_keep_their_scores():
    application = decided("funded")(START)
    assignment = AssignmentFactory(application=application, accepted=True)
    Review.objects.create(
        assignment=assignment, state="submitted", recommendation="fund", weighted_score=15
    )
    reviewer = assignment.reviewer
    reviewer.last_login = START
    reviewer.save(update_fields=["last_login"])
    User.objects.filter(pk=reviewer.pk).update(date_joined=START)

    run(START + dt.timedelta(days=11 * 365))

    review = Review.objects.get(assignment=assignment)
    assert str(review.assignment.reviewer) == "Compte supprimé"
    assert (review.recommendation, review.weighted_score) == ("fund", Decimal("15.00"))


def test_the_dry_run_lists_what_is_due_and_changes_nothing():
    old = draft(dt.datetime(2020, 1, 6, 9, 0, tzinfo=dt.UTC))
    draft(dt.datetime.now(dt.UTC))  # changed today: not due
    out = StringIO()

    call_command("run_retention", "--dry-run", stdout=out)

    assert "abandoned_draft (2 years): 1 due" in out.getvalue()
    assert f"  {old.reference}  since 2020-01-06, due 2022-01-06" in out.getvalue()
    assert not Anonymisation.objects.exists()


def test_the_task_and_the_command_run_the_retention():
    first = draft(START)
    out = StringIO()

    assert run_retention.delay().get()["abandoned_draft"] == {"anonymised": 1, "failed": 0}
    second = draft(START)
    call_command("run_retention", stdout=out)

    assert "abandoned_draft: 1 anonymised, 0 failed" in out.getvalue()
    assert Anonymisation.objects.filter(application__in=[first, second]).count() == 2


def built(kind, user, **subject):
    """A governance report built as the site builds it (its task), for `user`."""
    report = Report.objects.create(kind=kind, language="fr", requested_by=user, **subject)
    assert build_report.delay(report.pk).get() == "done"
    report.refresh_from_db()
    return report


def text_of(report):
    return "".join(page.extract_text() for page in PdfReader(report.file.open("rb")).pages)


def test_the_run_deletes_the_reports_that_copy_a_dossier_it_anonymises(
    programme_manager, django_capture_on_commit_callbacks
):
    now = timezone.now()
    application = decided("rejected")(years_before(now, 6))
    call = application.call
    book = built(ReportKind.DOSSIERS, programme_manager, call=call)
    figures = built(ReportKind.PROGRAMME, programme_manager, year=call.closes_at.year)
    stored = book.file.name
    assert application.title in text_of(book)

    with django_capture_on_commit_callbacks(execute=True):
        event = run(now)

    assert event.counts["governance_reports"] == {"deleted": 1}
    assert not book.file.storage.exists(stored)
    # The programme report shows figures and names no one: it stays.
    assert list(Report.objects.all()) == [figures]

    # Built again from what remains: it no longer names the dossier, and the next run keeps it.
    rebuilt = built(ReportKind.DOSSIERS, programme_manager, call=call)
    assert application.title not in text_of(rebuilt)
    assert run(now).counts["governance_reports"] == {"deleted": 0}
    assert Report.objects.filter(pk=rebuilt.pk).exists()


def test_a_call_report_naming_an_erased_reviewer_goes_at_the_next_run(programme_manager):
    application = decided("funded")(timezone.now())
    assignment = AssignmentFactory(application=application, accepted=True)
    report = built(ReportKind.CALL, programme_manager, call=application.call)
    other_call = built(ReportKind.CALL, programme_manager, call=decided("funded")(START).call)

    anonymise_account(assignment.reviewer, rule="erasure")
    event = run(timezone.now())

    assert event.counts["governance_reports"] == {"deleted": 1}
    assert not Report.objects.filter(pk=report.pk).exists()
    assert Report.objects.filter(pk=other_call.pk).exists()


def test_the_dry_run_previews_a_later_day_and_a_real_run_refuses_one():
    changed = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    soon = draft(changed)
    out = StringIO()

    call_command("run_retention", "--dry-run", "--as-of", "2028-03-09", stdout=out)
    assert "abandoned_draft (2 years): 0 due" in out.getvalue()
    call_command("run_retention", "--dry-run", "--as-of", "2028-03-10", stdout=out)
    assert f"  {soon.reference}  since 2026-03-10, due 2028-03-10" in out.getvalue()

    with pytest.raises(CommandError, match="--dry-run"):
        call_command("run_retention", "--as-of", "2028-03-10", stdout=out)
    assert not Anonymisation.objects.exists()


@override_settings(PERSONAL_DATA_RETENTION=PERIODS)
def test_a_funded_dossier_is_kept_while_its_project_runs():
    application = decided_application(outcome="funded")
    at(START, Decision.objects.filter(application=application), "decided_at")
    Project.objects.create(decision=application.decision, amount_granted=Decimal("8000.00"))
    long_after = START + dt.timedelta(days=20 * 365)

    assert list(due(long_after)["funded"]) == []
