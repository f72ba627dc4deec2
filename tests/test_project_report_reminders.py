"""The daily reminder of project reports (issue 18): the lead and the joined team are told of a
report REPORT_REMINDER_DAYS_BEFORE days before its due date and each day once it is late, while
it is owed; at most one message a day per person, even when the task runs twice; in each
person's language, as their preferences say; never for a report submitted or accepted, nor for a
project ended or suspended."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from notifications.events import Event
from notifications.models import EmailMode, Message, Preference
from projects.models import Project, ProjectReport, ProjectState, ReportState
from projects.report_messages import remind_reports
from projects.tasks import remind_reports as remind_reports_task

from .factories import UserFactory, joined_member
from .test_project_report_review import funded_project, submitted_report

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)
BEFORE = settings.REPORT_REMINDER_DAYS_BEFORE


@pytest.fixture
def lead():
    return UserFactory(email="lead@example.org", language="en")


@pytest.fixture
def member():
    return UserFactory(email="membre@example.org")


@pytest.fixture
def project(programme_manager, lead, member):
    project = funded_project(programme_manager, lead)
    joined_member(project.application, member)
    return project


def owed(project, days, title="Rapport intermédiaire", state=ReportState.DRAFT):
    """A report due `days` from today (negative: late)."""
    return submitted_report(
        project, due_on=TODAY + dt.timedelta(days=days), title=title, title_en="", state=state
    )


def reminders():
    return {
        message.email: message
        for message in Message.objects.filter(event=Event.PROJECT_REPORT_REMINDER)
    }


def test_a_report_is_announced_its_days_before_to_the_lead_and_team_in_their_language(
    project,
):
    owed(project, BEFORE, title="Plan de gestion des données", state=ReportState.DRAFT)

    assert remind_reports(NOW) == 2

    sent = reminders()
    assert set(sent) == {"lead@example.org", "membre@example.org"}
    english = sent["lead@example.org"]
    assert english.language == "en"
    assert "due soon" in english.subject and "Plan de gestion des données" in english.subject
    text = " ".join(english.text.split())
    assert f"in {BEFORE} days" in text
    french = sent["membre@example.org"]
    assert "attendu bientôt" in french.subject
    assert f"dans {BEFORE} jours" in " ".join(french.text.split())


def test_a_report_neither_due_soon_nor_late_is_not_recalled(project):
    owed(project, BEFORE + 1)
    owed(project, BEFORE - 1, title="Rapport final")
    owed(project, 0, title="Rapport du jour")
    assert remind_reports(NOW) == 0


def test_a_late_report_is_recalled_each_day_while_owed_and_once_a_day(project, lead):
    report = owed(project, -3)

    assert remind_reports(NOW) == 2
    assert remind_reports(NOW) == 0  # a second run the same day tells nobody again
    assert remind_reports_task.delay().get() == 0  # nor does beat's task
    text = " ".join(reminders()["lead@example.org"].text.split())
    assert "3 days late" in text

    tomorrow = NOW + dt.timedelta(days=1)
    assert remind_reports(tomorrow) == 2
    assert Message.objects.filter(event=Event.PROJECT_REPORT_REMINDER, user=lead).count() == 2

    ProjectReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED)
    assert remind_reports(NOW + dt.timedelta(days=2)) == 0


def test_changes_asked_keep_a_report_owed_until_its_new_due_date(project):
    owed(project, -1, state=ReportState.CHANGES_REQUESTED)
    owed(project, -5, title="Rapport accepté", state=ReportState.ACCEPTED)
    assert remind_reports(NOW) == 2
    text = reminders()["lead@example.org"].text
    assert "Rapport accepté" not in text and "1 day late" in " ".join(text.split())


def test_one_message_a_day_lists_all_of_a_persons_reports(project, lead, programme_manager):
    owed(project, -2, title="Plan de gestion des données")
    owed(project, BEFORE, title="Rapport intermédiaire")
    other = funded_project(programme_manager, lead, title="Autre projet")
    owed(other, -10, title="Rapport final")

    remind_reports(NOW)

    theirs = Message.objects.filter(event=Event.PROJECT_REPORT_REMINDER, user=lead)
    [message] = theirs
    assert message.subject == "[CollEx-Persée] 3 project reports due soon or late"
    text = " ".join(message.text.split())
    assert (
        text.index("Rapport final")
        < text.index("Plan de gestion")
        < text.index("Rapport intermédiaire")
    )  # the soonest due first


def test_preferences_are_respected(project, lead, member, django_capture_on_commit_callbacks):
    Preference.objects.create(
        user=member, event=Event.PROJECT_REPORT_REMINDER, email_mode=EmailMode.OFF
    )
    owed(project, -1)

    with django_capture_on_commit_callbacks(execute=True):
        remind_reports(NOW)

    assert [email.to for email in mail.outbox] == [["lead@example.org"]]
    # The member reads it on the site, in their inbox only.
    assert Message.objects.inbox(member).filter(event=Event.PROJECT_REPORT_REMINDER).exists()


def test_an_ended_or_unfunded_project_is_not_recalled(project, programme_manager):
    owed(project, -1)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.TERMINATED)
    assert remind_reports(NOW) == 0


def test_a_suspended_project_is_recalled_neither_before_nor_after_the_due_date(project):
    owed(project, BEFORE, title="Plan de gestion des données")
    owed(project, -1, title="Rapport intermédiaire")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SUSPENDED)
    assert remind_reports(NOW) == 0
    assert remind_reports(NOW + dt.timedelta(days=1)) == 0
    assert not reminders()

    Project.objects.filter(pk=project.pk).update(state=ProjectState.RUNNING)  # resumed
    assert remind_reports(NOW) == 2


def test_the_reminder_runs_every_day_from_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "projects.tasks.remind_reports" in tasks
