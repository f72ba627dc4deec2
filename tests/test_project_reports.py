"""Project reports, the lead's side (issue 18): due dates from a start date across months and
leap years, and from the end once an extension moves it; reports planned once per requirement
of the call; a report's draft saved only on the version it was loaded with (two tabs never
overwrite each other); a submission refused with its problems, then frozen with its fingerprint
and a PDF receipt that reads back."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.utils import translation

from applications.audit import trail
from applications.models import AuditSubject
from applications.snapshot import fingerprint
from calls.models import CallReport
from decisions.letters import send_letter
from projects import services
from projects.amendments import accept_amendment, ask_amendment
from projects.models import Project, ProjectReport, ReportState
from projects.report_receipts import render_receipt
from projects.reports import (
    ReportError,
    ReportRefused,
    StaleReport,
    due_date,
    final_kinds,
    granted_by_category,
    plan_reports,
    save_report_draft,
    submit_report,
)

from .factories import (
    BudgetLineFactory,
    CallFactory,
    CallReportFactory,
    InstitutionFactory,
    UserFactory,
    decided_application,
    joined_member,
    report_question,
)

english = pytest.mark.usefixtures("in_english")


class Requirement:
    def __init__(self, due_months, due_from="start"):
        self.due_months, self.due_from = due_months, due_from


def project_from(start, months=24):
    return Project(start_date=start, duration_months=months)


# Due dates


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),  # no 31 February: its last day
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # a leap year's
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),  # across the year
    ],
)
def test_a_report_is_due_months_after_the_start_on_the_same_day_or_the_months_last(
    start, months, due
):
    assert due_date(project_from(start), Requirement(months)) == due


def test_a_report_due_from_the_end_counts_from_the_projects_last_day():
    # 1 April 2026 + 24 months ends on 31 March 2028; two months later is 31 May.
    project = project_from(dt.date(2026, 4, 1), 24)
    assert due_date(project, Requirement(2, "end")) == dt.date(2028, 5, 31)


@pytest.mark.parametrize(
    ("start", "months", "after", "due"),
    [
        (dt.date(2024, 1, 1), 18, 2, dt.date(2025, 8, 31)),  # ends 30 June: two months after
        (dt.date(2024, 1, 1), 9, 3, dt.date(2024, 12, 31)),  # ends 30 September
        (dt.date(2024, 3, 1), 12, 2, dt.date(2025, 4, 30)),  # ends 28 February
    ],
)
def test_a_report_due_from_an_end_on_a_months_last_day_is_due_on_a_months_last_day(
    start, months, after, due
):
    assert due_date(project_from(start, months), Requirement(after, "end")) == due


def test_no_due_date_before_the_project_has_a_start():
    assert due_date(Project(), Requirement(6)) is None
    assert due_date(Project(), Requirement(6, "end")) is None


def test_the_final_kinds_are_the_final_scientific_report_and_the_financial_statement():
    assert sorted(final_kinds()) == ["final_financial", "final_scientific"]


# Planning


@pytest.fixture
def call(db):
    call = CallFactory(closed=True)
    CallReportFactory(call=call, kind="dmp", title_fr="Plan de gestion des données", due_months=6)
    CallReportFactory(
        call=call,
        kind="final_financial",
        title_fr="État récapitulatif des dépenses",
        title_en="Financial statement",
        due_months=2,
        due_from="end",
        questions=[report_question("q-comment", "text", required=False)],
    )
    return call


def funded_project(call, staff):
    application = decided_application(call, amount=Decimal("15000.00"))
    BudgetLineFactory(application=application, category="travel", amount_requested=Decimal(5000))
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


def signed(project, staff, start=dt.date(2026, 4, 1)):
    services.set_carrier(
        project,
        staff,
        carrier=InstitutionFactory(),
        finance_contact_name="",
        finance_contact_email="",
    )
    return services.sign_agreement(
        project, staff, signed_on=start, start_date=start, duration_months=24
    )


def due_dates(project):
    return {report.kind: report.due_on for report in project.reports.all()}


def test_a_project_owes_one_report_per_requirement_due_once_its_agreement_is_signed(
    call, programme_manager
):
    project = funded_project(call, programme_manager)
    assert due_dates(project) == {"dmp": None, "final_financial": None}
    signed(project, programme_manager)
    assert due_dates(project) == {
        "dmp": dt.date(2026, 10, 1),
        "final_financial": dt.date(2028, 5, 31),
    }
    report = project.reports.get(kind="dmp")
    assert report.title == "Plan de gestion des données"
    assert report.questions[0]["id"] == "q-summary"


def test_planning_again_makes_no_second_report(call, programme_manager):
    project = signed(funded_project(call, programme_manager), programme_manager)
    plan_reports(project)
    plan_reports(project)
    assert project.reports.count() == 2


def test_a_requirement_added_to_a_published_call_is_owed_by_its_projects(call, programme_manager):
    project = signed(funded_project(call, programme_manager), programme_manager)
    CallReportFactory(call=call, kind="interim", title_fr="Rapport à mi-parcours", due_months=12)
    call.save_revision(user=programme_manager).publish(user=programme_manager)
    assert due_dates(project) == {
        "dmp": dt.date(2026, 10, 1),
        "interim": dt.date(2027, 4, 1),
        "final_financial": dt.date(2028, 5, 31),
    }


def test_an_extension_moves_a_report_due_from_the_end_not_one_due_from_the_start(
    call, programme_manager
):
    project = signed(funded_project(call, programme_manager), programme_manager)
    amendment = ask_amendment(
        project,
        programme_manager,
        kind="extension",
        justification="Numérisation retardée.",
        extension_months=6,
    )
    accept_amendment(amendment, programme_manager, "Accordé en comité.")
    assert due_dates(project) == {
        "dmp": dt.date(2026, 10, 1),
        "final_financial": dt.date(2028, 11, 30),
    }


def test_a_due_date_set_by_staff_or_a_submitted_report_does_not_move(call, programme_manager):
    project = funded_project(call, programme_manager)
    ProjectReport.objects.filter(kind="dmp").update(
        due_on=dt.date(2027, 1, 15), due_set_by_staff=True
    )
    ProjectReport.objects.filter(kind="final_financial").update(state=ReportState.SUBMITTED)
    signed(project, programme_manager)
    assert due_dates(project) == {"dmp": dt.date(2027, 1, 15), "final_financial": None}


# Drafts


@pytest.fixture
def project(call, programme_manager):
    return signed(funded_project(call, programme_manager), programme_manager)


@pytest.fixture
def report(project):
    return project.reports.get(kind="dmp")


def lead_of(project):
    return project.decision.application.lead


@english
def test_the_lead_and_a_joined_member_save_drafts_each_on_the_version_they_loaded(report):
    lead = lead_of(report.project)
    member = UserFactory()
    joined_member(report.project.decision.application, member)
    version = save_report_draft(report, 1, actor=lead, answers={"q-summary": "Premier jet"})
    assert version == 2
    version = save_report_draft(report, 2, actor=member, answers={"q-summary": "Relu"})
    report.refresh_from_db()
    assert (report.version, report.answers) == (3, {"q-summary": "Relu"})


@english
def test_a_second_tab_on_an_older_version_is_refused_and_overwrites_nothing(report):
    lead = lead_of(report.project)
    save_report_draft(report, 1, actor=lead, answers={"q-summary": "Onglet A"})
    other_tab = ProjectReport.objects.get(pk=report.pk)
    with pytest.raises(StaleReport, match="changed elsewhere"):
        save_report_draft(other_tab, 1, actor=lead, answers={"q-summary": "Onglet B"})
    report.refresh_from_db()
    assert (report.version, report.answers) == (2, {"q-summary": "Onglet A"})


@english
def test_someone_outside_the_team_or_staff_cannot_write_a_report(report, programme_manager):
    for person in (UserFactory(), programme_manager):
        with pytest.raises(ReportError, match="Only the lead and the team"):
            save_report_draft(report, 1, actor=person, answers={"q-summary": "Intrus"})
    report.refresh_from_db()
    assert (report.version, report.answers) == (1, {})


# Submission


@english
def test_a_submission_is_refused_with_its_problems_then_frozen_with_its_fingerprint(report):
    lead = lead_of(report.project)
    with pytest.raises(ReportRefused) as refused:
        submit_report(report, lead)
    assert refused.value.problems == {"answers.q-summary": ["This answer is required."]}
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and not report.submissions.exists()

    save_report_draft(report, 1, actor=lead, answers={"q-summary": "Le plan, complet."})
    submission = submit_report(report, lead)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at == submission.received_at
    assert submission.number == 1
    assert submission.content["answers"] == {"q-summary": "Le plan, complet."}
    assert submission.fingerprint == fingerprint(submission.content)
    assert [
        (row.from_state, row.to_state)
        for row in trail(report.project.decision.application, AuditSubject.REPORT)
    ] == [("draft", "submitted")]


@english
def test_a_submitted_report_is_neither_saved_nor_submitted_again(report):
    lead = lead_of(report.project)
    save_report_draft(report, 1, actor=lead, answers={"q-summary": "Fini."})
    submit_report(report, lead)
    report.refresh_from_db()
    with pytest.raises(ReportError, match="submitted: it can no longer be changed"):
        save_report_draft(report, report.version, actor=lead, answers={"q-summary": "Après"})
    with pytest.raises(ReportError, match="already submitted"):
        submit_report(report, lead)
    assert report.submissions.count() == 1


@english
def test_the_snapshot_stays_as_submitted_when_the_call_is_edited_later(report):
    lead = lead_of(report.project)
    save_report_draft(report, 1, actor=lead, answers={"q-summary": "Fini."})
    submission = submit_report(report, lead)
    requirement = CallReport.objects.get(pk=report.requirement_id)
    requirement.questions = [report_question("q-other", label="Autre question")]
    requirement.save()
    plan_reports(report.project)
    report.refresh_from_db()
    submission.refresh_from_db()
    assert report.questions[0]["id"] == "q-summary"
    assert submission.content["questions"][0]["value"]["label"] == "Avancement du projet"
    assert submission.fingerprint == fingerprint(submission.content)


@english
def test_the_financial_statement_needs_every_category_granted_then_freezes_it(project):
    report = project.reports.get(kind="final_financial")
    lead = lead_of(project)
    assert granted_by_category(project) == {
        "staff": Decimal("10000.00"),
        "travel": Decimal("5000.00"),
    }
    save_report_draft(report, 1, actor=lead, answers={}, spending={"staff": Decimal("-1")})
    with pytest.raises(ReportRefused) as refused:
        submit_report(report, lead)
    assert refused.value.problems == {
        "spending.staff": ["An amount cannot be negative."],
        "spending.travel": ["Give the amount spent, 0 if none."],
    }
    spending = {"staff": Decimal("9800.5"), "travel": Decimal("0")}
    save_report_draft(report, 2, actor=lead, answers={}, spending=spending)
    submission = submit_report(report, lead)
    assert submission.content["spending"] == [
        {"category": "staff", "granted": "10000.00", "spent": "9800.50"},
        {"category": "travel", "granted": "5000.00", "spent": "0.00"},
    ]


@english
def test_an_accepted_reallocation_is_the_budget_granted(project, programme_manager):
    amendment = ask_amendment(
        project,
        programme_manager,
        kind="reallocation",
        justification="Moins de missions.",
        reallocation={"staff": Decimal("14000"), "travel": Decimal("1000")},
    )
    accept_amendment(amendment, programme_manager, "Accordé.")
    assert granted_by_category(project) == {
        "staff": Decimal("14000"),
        "travel": Decimal("1000"),
    }


def pdftotext(pdf):
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_receipt_reads_back_the_report_its_answers_and_fingerprint(project):
    report = project.reports.get(kind="final_financial")
    lead = lead_of(project)
    spending = {"staff": Decimal("9800.5"), "travel": Decimal("120")}
    save_report_draft(
        report, 1, actor=lead, answers={"q-comment": "Dépenses conformes"}, spending=spending
    )
    submission = submit_report(report, lead)
    text = pdftotext(render_receipt(submission, "fr"))
    assert "Récépissé d’un rapport" in text
    assert "État récapitulatif des dépenses" in text
    assert "Dépenses conformes" in text
    assert "9 800,50" in text and "10 000,00" in text
    assert submission.fingerprint in text.replace(" ", "")
    with translation.override("en"):
        english_text = pdftotext(render_receipt(submission, "en"))
    assert "Financial statement" in english_text
    assert "9,800.50" in english_text


@english
def test_a_report_sent_back_is_submitted_again_as_a_second_submission(report):
    member = UserFactory()
    joined_member(report.project.decision.application, member)
    save_report_draft(report, 1, actor=member, answers={"q-summary": "Premier envoi"})
    first = submit_report(report, member)
    ProjectReport.objects.filter(pk=report.pk).update(state=ReportState.CHANGES_REQUESTED)
    report.refresh_from_db()
    save_report_draft(report, report.version, actor=member, answers={"q-summary": "Corrigé"})
    second = submit_report(report, member)
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.content["answers"] == {"q-summary": "Premier envoi"}
    assert second.content["answers"] == {"q-summary": "Corrigé"}
    assert second.submitted_by == member
