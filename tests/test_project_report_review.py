"""Staff's review of a project's reports (issue 18): a submitted report accepted, or sent back
with changes asked on named questions, a comment and a new due date, then resubmitted by the
lead and accepted; refusals (an unknown question, none at all, no comment, a past due date, a
person who is not staff, a project no longer funded); the lead and the team told in their
language; the staff list (filters, query count at two sizes) and the review page."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.roles import Role
from applications.models import ApplicationEvent, AuditSubject
from decisions.letters import send_letter
from decisions.models import Outcome
from notifications.events import Event
from notifications.models import Message
from projects import report_review
from projects.models import Project, ProjectReport, ProjectState, ReportState, ReportSubmission
from projects.report_files import add_report_file
from projects.reports import ReportError, save_report_draft, submit_report

from .factories import (
    CallFactory,
    ProgrammeFactory,
    UserFactory,
    decided_application,
    joined_member,
    support_letter_question,
)
from .reading import visible_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST = "/gestion/projets/rapports/"


def question(block_id, label, label_en):
    """A short text question as a call's StreamField stores it."""
    return {
        "type": "text",
        "id": block_id,
        "value": {
            "label": label,
            "label_en": label_en,
            "help_text": "",
            "required": True,
            "max_length": 500,
        },
    }


QUESTIONS = [
    question("q-progress", "Avancement du projet", "Progress of the project"),
    question("q-difficulties", "Difficultés rencontrées", "Difficulties met"),
]
ANSWERS = {"q-progress": "La moitié du fonds est numérisée.", "q-difficulties": "Aucune."}


def funded_project(staff, lead=None, call=None, title="Corpus des thèses"):
    application = decided_application(
        call or CallFactory(closed=True, title_fr="Appel Patrimoine", title_en="Heritage call"),
        amount=Decimal("20000.00"),
        application={"title": title, **({"lead": lead} if lead else {})},
    )
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


def submitted_report(project, due_on=None, title="Rapport intermédiaire", **fields):
    """A report in state submitted with its first submission, written directly."""
    report = ProjectReport.objects.create(
        project=project,
        kind=fields.pop("kind", "interim"),
        title_fr=title,
        title_en=fields.pop("title_en", "Interim report"),
        questions=fields.pop("questions", QUESTIONS),
        answers=fields.pop("answers", ANSWERS),
        due_on=due_on or TODAY + dt.timedelta(days=10),
        state=fields.pop("state", ReportState.SUBMITTED),
        submitted_at=timezone.now(),
        **fields,
    )
    ReportSubmission.objects.create(
        report=report,
        number=1,
        received_at=timezone.now(),
        content={"questions": report.questions, "answers": report.answers, "attachments": []},
        fingerprint="0" * 64,
    )
    return report


@pytest.fixture
def lead():
    return UserFactory(email="lead@example.org", language="en")


@pytest.fixture
def project(programme_manager, lead):
    return funded_project(programme_manager, lead)


@pytest.fixture
def report(project):
    return submitted_report(project)


def told(event):
    return {message.email: message for message in Message.objects.filter(event=event)}


# Accepting


def test_staff_accept_a_submitted_report_and_the_lead_and_team_are_told(
    programme_manager, project, report, lead
):
    member = UserFactory(email="membre@example.org")
    joined_member(project.application, member)

    report_review.accept_report(
        report, programme_manager, "Merci, rapport complet.", submission_number=1
    )

    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert report.reviewed_by == programme_manager and report.reviewed_at is not None
    assert report.review_comment == "Merci, rapport complet."
    entry = ApplicationEvent.objects.filter(subject=AuditSubject.REPORT).latest("pk")
    assert (entry.action, entry.to_state) == ("accept", "accepted")
    sent = told(Event.PROJECT_REPORT_ACCEPTED)
    assert set(sent) == {"lead@example.org", "membre@example.org"}
    english = sent["lead@example.org"]
    assert english.subject == (
        f"[CollEx-Persée] Report “Interim report” accepted for project {project}"
    )
    assert "Merci, rapport complet." in english.text
    french = sent["membre@example.org"]
    assert "Rapport intermédiaire" in french.subject and "accepté" in french.subject


def test_a_report_not_submitted_cannot_be_accepted(programme_manager, project):
    draft = submitted_report(project, state=ReportState.DRAFT)
    with pytest.raises(ReportError, match="cannot be accepted|ne peut pas être accepté"):
        report_review.accept_report(draft, programme_manager, submission_number=1)
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert not told(Event.PROJECT_REPORT_ACCEPTED)


# Asking for changes, then the lead resubmits


def test_changes_asked_on_named_questions_then_resubmitted_and_accepted(
    programme_manager, project, report, lead
):
    due = TODAY + dt.timedelta(days=21)
    report_review.ask_for_changes(
        report,
        programme_manager,
        submission_number=1,
        questions=["q-difficulties"],
        comment="Détaillez les difficultés du chantier.",
        due_on=due,
    )

    report.refresh_from_db()
    assert report.state == ReportState.CHANGES_REQUESTED
    assert report.changes_on == ["q-difficulties"]
    assert report.due_on == due and report.due_set_by_staff
    [(address, message)] = told(Event.PROJECT_REPORT_CHANGES).items()
    assert address == "lead@example.org" and message.language == "en"
    text = " ".join(message.text.split())
    assert "* Difficulties met" in text and "Progress of the project" not in text
    assert "Détaillez les difficultés du chantier." in text
    with translation.override("en"):
        assert f"Submit it again by {date_format(due, 'DATE_FORMAT')}." in text

    version = save_report_draft(
        report,
        report.version,
        actor=lead,
        answers={**ANSWERS, "q-difficulties": "Un retard de livraison des scanners."},
    )
    assert version
    second = submit_report(report, lead)
    assert second.number == 2
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    report_review.accept_report(report, programme_manager, submission_number=2)

    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.changes_on == []
    assert set(told(Event.PROJECT_REPORT_ACCEPTED)) == {"lead@example.org"}


@pytest.mark.parametrize(
    ("questions", "comment", "due_on", "field", "words"),
    [
        (["q-unknown"], "À revoir.", 5, "questions", "not questions of this report"),
        ([], "À revoir.", 5, "questions", "at least one question"),
        (["q-progress"], "   ", 5, "comment", "Say what to change"),
        (["q-progress"], "À revoir.", -1, "due_on", "cannot be in the past"),
        (["q-progress"], "À revoir.", None, "due_on", "Give the new due date"),
    ],
)
def test_a_request_for_changes_is_refused_beside_its_field(
    in_english, programme_manager, report, questions, comment, due_on, field, words
):
    when = None if due_on is None else TODAY + dt.timedelta(days=due_on)
    with pytest.raises(ReportError) as refused:
        report_review.ask_for_changes(
            report,
            programme_manager,
            submission_number=1,
            questions=questions,
            comment=comment,
            due_on=when,
        )
    assert words in " ".join(refused.value.problems[field])
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and not report.due_set_by_staff
    assert not told(Event.PROJECT_REPORT_CHANGES)


def test_changes_on_a_financial_statement_may_name_its_spending_table(programme_manager, project):
    statement = submitted_report(project, kind="final_financial", title="État des dépenses")
    report_review.ask_for_changes(
        statement,
        programme_manager,
        submission_number=1,
        questions=["spending"],
        comment="Le total des frais de mission ne correspond pas.",
        due_on=TODAY,
    )
    statement.refresh_from_db()
    assert statement.changes_on == ["spending"]
    text = told(Event.PROJECT_REPORT_CHANGES)["lead@example.org"].text
    assert "* Spending per budget category" in text


def test_the_spending_table_is_no_question_of_an_interim_report(programme_manager, report):
    with pytest.raises(ReportError):
        report_review.ask_for_changes(
            report,
            programme_manager,
            submission_number=1,
            questions=["spending"],
            comment="Non.",
            due_on=TODAY,
        )


# Who and when


@pytest.mark.parametrize("persona", ["lead", "member", "council_member", "other_applicant"])
def test_only_programme_staff_review(request, project, report, persona):
    person = (
        UserFactory(email="membre@example.org")
        if persona == "member"
        else request.getfixturevalue(persona)
    )
    if persona == "member":
        joined_member(project.application, person)
    with pytest.raises(ReportError, match="Only programme staff|Seul"):
        report_review.accept_report(report, person, submission_number=1)
    with pytest.raises(ReportError):
        report_review.ask_for_changes(
            report,
            person,
            submission_number=1,
            questions=["q-progress"],
            comment="Non.",
            due_on=TODAY,
        )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


@pytest.mark.parametrize("ended", ["withdrawn", "terminated", "closed"])
def test_a_project_no_longer_funded_or_ended_has_its_reports_unreviewed(
    in_english, programme_manager, project, report, ended
):
    if ended == "withdrawn":
        project.decision.outcome = Outcome.REJECTED
        project.decision.save(update_fields=["outcome"])
    else:
        Project.objects.filter(pk=project.pk).update(state=getattr(ProjectState, ended.upper()))
    with pytest.raises(ReportError, match="no longer funded"):
        report_review.accept_report(report, programme_manager, submission_number=1)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


# The staff list


@pytest.fixture
def programme():
    return ProgrammeFactory(code="archives", title_fr="Archives scientifiques")


def test_staff_list_every_projects_reports_with_their_state_and_lateness(
    client, programme_manager, project, programme
):
    submitted_report(project, title="Bilan à mi-parcours")
    other_call = CallFactory(closed=True, programme=programme, title_fr="Appel Archives")
    elsewhere = funded_project(programme_manager, call=other_call, title="Archives de labo")
    late = submitted_report(
        elsewhere,
        title="Plan de gestion des données",
        state=ReportState.DRAFT,
        due_on=TODAY - dt.timedelta(days=3),
    )
    client.force_login(programme_manager)

    text = visible_text(client.get(LIST))
    assert "Rapports des projets" in text
    assert "Bilan à mi-parcours" in text and "Plan de gestion des données" in text
    assert "3 jours de retard" in text and "Déposée" in text

    late_only = visible_text(client.get(LIST, {"late": "on"}))
    assert "Plan de gestion des données" in late_only and "Bilan à mi-parcours" not in late_only
    submitted = visible_text(client.get(LIST, {"state": "submitted"}))
    assert "Bilan à mi-parcours" in submitted and "Plan de gestion" not in submitted
    by_programme = visible_text(client.get(LIST, {"programme": programme.pk}))
    assert "Plan de gestion" in by_programme and "Bilan à mi-parcours" not in by_programme
    by_call = visible_text(client.get(LIST, {"call": project.application.call_id}))
    assert "Bilan à mi-parcours" in by_call and "Plan de gestion" not in by_call
    assert late.pk


@pytest.mark.parametrize("count", [2, 6])
def test_the_report_list_costs_the_same_whatever_its_length(
    client, programme_manager, django_assert_num_queries, count
):
    call = CallFactory(closed=True)
    for number in range(count):
        project = funded_project(programme_manager, call=call, title=f"Projet {number}")
        submitted_report(project, due_on=TODAY - dt.timedelta(days=number))
    client.force_login(programme_manager)
    client.get(LIST)  # the session and the permissions cached
    with django_assert_num_queries(11):
        page = client.get(LIST)
    assert page.content.decode().count('class="project-report"') == count


def test_the_list_is_in_the_staff_navigation(client, programme_manager):
    client.force_login(programme_manager)
    page = client.get(reverse("projects:list"))
    assert f'href="{LIST}"' in page.content.decode()


# The review page


def review_page(report):
    return reverse("projects:review_report", args=[report.pk])


def test_staff_read_the_submission_and_accept_it_from_the_page(client, programme_manager, report):
    client.force_login(programme_manager)
    page = client.get(review_page(report))
    text = visible_text(page)
    assert "La moitié du fonds est numérisée." in text and "Avancement du projet" in text
    assert "Accepter le rapport" in text

    done = client.post(
        review_page(report),
        {"step": "accept", "accept-submission_number": "1", "accept-comment": "Très bien."},
    )

    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    text = visible_text(client.get(review_page(report)))
    assert "Accepté" in text and "Très bien." in text
    assert "Accepter le rapport" not in text  # nothing more to review


def test_changes_are_asked_by_checkbox_and_refusals_shown_beside_the_fields(
    client, programme_manager, report
):
    client.force_login(programme_manager)
    past = (TODAY - dt.timedelta(days=1)).isoformat()

    refused = client.post(
        review_page(report),
        {
            "step": "ask_changes",
            "changes-submission_number": "1",
            "changes-comment": "",
            "changes-due_on": past,
        },
    )

    assert refused.status_code == 400
    html = refused.content.decode()
    assert re.search(r'type="checkbox"[^>]*name="changes-questions" value="q-progress"', html)
    text = visible_text(refused)
    assert "Choisissez au moins une question à modifier." in text
    assert "La nouvelle date limite ne peut pas être dans le passé." in text
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    due = (TODAY + dt.timedelta(days=14)).isoformat()
    done = client.post(
        review_page(report),
        {
            "step": "ask_changes",
            "changes-submission_number": "1",
            "changes-questions": ["q-progress"],
            "changes-comment": "Chiffrez l'avancement.",
            "changes-due_on": due,
        },
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.CHANGES_REQUESTED
    assert report.changes_on == ["q-progress"]
    text = visible_text(client.get(review_page(report)))
    assert "Modifications demandées" in text and "Avancement du projet" in text


def resubmitted(report, staff, lead):
    """Another staff member sends `report` back, and the lead submits it again (no. 2)."""
    report_review.ask_for_changes(
        report,
        staff,
        submission_number=1,
        questions=["q-progress"],
        comment="Chiffrez l'avancement.",
        due_on=TODAY,
    )
    report.refresh_from_db()
    answers = {**ANSWERS, "q-progress": "Les deux tiers du fonds sont numérisés."}
    save_report_draft(report, report.version, actor=lead, answers=answers)
    return submit_report(report, lead)


def test_a_review_of_a_submission_no_longer_the_latest_is_refused(
    in_english, programme_manager, report, lead
):
    resubmitted(report, UserFactory(roles=[Role.PROGRAMME_MANAGER]), lead)

    for review in (
        lambda: report_review.accept_report(report, programme_manager, submission_number=1),
        lambda: report_review.ask_for_changes(
            report,
            programme_manager,
            submission_number=1,
            questions=["q-progress"],
            comment="Non.",
            due_on=TODAY,
        ),
    ):
        with pytest.raises(ReportError, match=r"submitted again \(submission no. 2\)"):
            review()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert not told(Event.PROJECT_REPORT_ACCEPTED)

    report_review.accept_report(report, programme_manager, submission_number=2)
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


def test_a_stale_review_page_cannot_accept_a_submission_its_reviewer_never_read(
    client, programme_manager, report, lead
):
    client.force_login(programme_manager)
    opened = client.get(review_page(report)).content.decode()
    shown = re.search(r'name="accept-submission_number" value="(\d+)"', opened).group(1)
    assert shown == "1"
    resubmitted(report, UserFactory(roles=[Role.PROGRAMME_MANAGER]), lead)

    stale = client.post(
        review_page(report),
        {"step": "accept", "accept-submission_number": shown, "accept-comment": "Parfait."},
    )

    assert stale.status_code == 400
    text = visible_text(stale)
    assert "Ce rapport a été soumis de nouveau (soumission n° 2)" in text
    assert "Les deux tiers du fonds sont numérisés." in text  # the page now shows the latest
    assert "La moitié du fonds" not in text
    assert 'name="accept-submission_number" value="2"' in stale.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    done = client.post(
        review_page(report),
        {"step": "accept", "accept-submission_number": "2", "accept-comment": "Parfait."},
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_staff_open_the_submitted_files_from_the_review_page_and_nobody_else_does(
    client, programme_manager, project, lead, council_member, other_applicant
):
    draft = submitted_report(
        project,
        state=ReportState.DRAFT,
        questions=[*QUESTIONS, support_letter_question("q-annex", required=True)],
    )
    draft.submissions.all().delete()
    add_report_file(draft, "q-annex", SimpleUploadedFile("annexe.pdf", PDF), lead, draft.version)
    submit_report(draft, lead)
    client.force_login(programme_manager)

    page = client.get(review_page(draft)).content.decode()

    attachment = draft.attachments.get()
    download = reverse("projects:report_file", args=[project.pk, draft.pk, attachment.pk])
    assert f'href="{download}" class="report-file">annexe.pdf</a>' in page
    assert b"".join(client.get(download).streaming_content) == PDF
    for outsider in (council_member, other_applicant):
        client.force_login(outsider)
        assert client.get(download).status_code == 404


def test_the_review_page_and_the_reports_own_pages_link_to_each_other_for_staff_only(
    client, programme_manager, project, report, lead
):
    own_page = reverse("projects:report", args=[project.pk, report.pk])
    project_page = reverse("projects:project", args=[project.pk])
    review = f'href="{review_page(report)}"'
    client.force_login(programme_manager)
    assert f'href="{own_page}"' in client.get(review_page(report)).content.decode()
    for page in (own_page, project_page):
        html = client.get(page).content.decode()
        assert review in html and "Évaluer ce rapport" in html

    client.force_login(lead)
    for page in (own_page, project_page):
        response = client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert review not in html and "Évaluer ce rapport" not in html


def test_the_review_pages_are_staff_only(client, lead, report, council_member):
    for person in (lead, council_member):
        client.force_login(person)
        assert client.get(LIST).status_code == 404
        assert client.get(review_page(report)).status_code == 404
        assert client.post(review_page(report), {"step": "accept"}).status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


# Staff are told of a submission


def test_a_report_submitted_tells_programme_staff_with_the_review_page(
    project, lead, programme_manager
):
    colleague = UserFactory(email="collegue@example.org", language="en")
    colleague.groups.add(*programme_manager.groups.all())
    draft = submitted_report(project, state=ReportState.DRAFT)
    ReportSubmission.objects.filter(report=draft).delete()

    submission = submit_report(draft, lead)

    sent = told(Event.PROJECT_REPORT_SUBMITTED)
    assert set(sent) == {programme_manager.email, "collegue@example.org"}
    english = sent["collegue@example.org"]
    assert english.subject == (
        f"[CollEx-Persée] Report “Interim report” submitted for project {project}"
    )
    assert "(submission 1)" in " ".join(english.text.split())
    assert english.url.endswith(f"/manage/projects/reports/{draft.pk}/")
    assert sent[programme_manager.email].url.endswith(f"/gestion/projets/rapports/{draft.pk}/")
    assert submission.number == 1


def test_the_review_page_shows_a_statements_spending_and_no_form_once_the_project_ended(
    client, programme_manager, project
):
    statement = submitted_report(project, kind="final_financial", title="État des dépenses")
    ReportSubmission.objects.filter(report=statement).update(
        content={
            "questions": [],
            "answers": {},
            "attachments": [],
            "spending": [{"category": "staff", "granted": "12000.00", "spent": "11500.50"}],
        }
    )
    client.force_login(programme_manager)

    text = visible_text(client.get(review_page(statement)))

    assert "Dépenses par catégorie budgétaire" in text
    assert "Personnel 12 000 € 11 500,50 €" in text
    assert "Demander des modifications" in text

    Project.objects.filter(pk=project.pk).update(state=ProjectState.TERMINATED)
    text = visible_text(client.get(review_page(statement)))
    assert "État des dépenses" in text and "Demander des modifications" not in text
