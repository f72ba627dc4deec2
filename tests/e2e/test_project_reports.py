"""After the decision (issue 18) in a real browser, in French and in English: the lead of a
funded project writes and submits its data management plan (found on "My applications"), its
final scientific report and its financial statement (amounts typed as people of the language
write them), and declares a public dataset with its DOI, a malformed one first refused beside
the field. Staff accept the plan and the statement, send the scientific report back for a
change on one question, accept it once the lead resubmits, pay the last instalment it held,
then close the project with nothing missing. A visitor finds the closed project on the funded
projects list and its dataset on its public page.

Every page is screenshot and checked by axe-core (WCAG 2.1 A and AA) and at phones' widths
(375 and 320 px); the main pages by the Nu HTML checker too.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from calls.models import CallRequiredDeliverable
from common import identifiers
from common.formats import money_or_dash
from decisions.letters import send_letter
from projects import payments, services
from projects.models import Project, ProjectState, ReportState
from tests.e2e.test_project_schedule import html_problems
from tests.factories import (
    BudgetLineFactory,
    CallFactory,
    CallReportFactory,
    InstitutionFactory,
    decided_application,
    report_question,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

SPENT_STAFF = {"fr": "9 000", "en": "9,000"}
SPENT_TRAVEL = {"fr": "3 200,50", "en": "3,200.50"}
DOI = "10.5281/zenodo.1234567"
TITLE = "Cartes des bibliothèques"


def t(language, msgid):
    with translation.override(language):
        return translation.gettext(msgid)


def in_language(language, function, *args):
    with translation.override(language):
        return function(*args)


def url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def question(question_id, label, label_en):
    return report_question(question_id, label=label, label_en=label_en)


@pytest.fixture
def reporting_project(staff):
    """A running project whose call owes a data management plan six months after the start
    and the two final reports, requires a dataset; 70 % paid at signature, 30 % waiting for the
    final scientific report."""
    call = CallFactory(closed=True)
    reports = {
        "dmp": ("Plan de gestion des données", "Data management plan", 6, "start"),
        "final_scientific": ("Rapport scientifique final", "Final scientific report", 2, "end"),
        "final_financial": ("État final des dépenses", "Final spending statement", 2, "end"),
    }
    questions = {
        "dmp": [question("q-data", "Données produites", "Data produced")],
        "final_scientific": [
            question("q-results", "Résultats", "Results"),
            question("q-outlook", "Perspectives", "Outlook"),
        ],
        "final_financial": [],
    }
    for kind, (title_fr, title_en, months, due_from) in reports.items():
        CallReportFactory(
            call=call,
            kind=kind,
            title_fr=title_fr,
            title_en=title_en,
            due_months=months,
            due_from=due_from,
            questions=questions[kind],
        )
    CallRequiredDeliverable.objects.create(call=call, kind="dataset", sort_order=0)
    application = decided_application(
        call, amount=Decimal("15000.00"), application={"title": TITLE}
    )
    BudgetLineFactory(application=application, category="travel", amount_requested=Decimal(5000))
    send_letter(application.decision, staff)
    project = Project.objects.get(decision=application.decision)
    services.set_carrier(
        project,
        staff,
        carrier=InstitutionFactory(),
        finance_contact_name="",
        finance_contact_email="",
    )
    start = timezone.localdate() - dt.timedelta(days=30)
    project = services.sign_agreement(
        project, staff, signed_on=start, start_date=start, duration_months=12
    )
    project = services.start_project(project, staff)
    final = project.reports.get(kind="final_scientific")
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": "Signature",
                "share": None,
                "amount": Decimal("10500.00"),
                "planned_on": start,
                "condition": "agreement_signed",
            },
            {
                "instalment": None,
                "label": "Solde",
                "share": None,
                "amount": Decimal("4500.00"),
                "planned_on": start + dt.timedelta(days=420),
                "condition": "report_accepted",
                "report": final.pk,
            },
        ],
        staff,
    )
    payments.record_payment(
        project.instalments.get(position=1),
        paid_on=start,
        amount=Decimal("10500.00"),
        reference="MDT-1",
        actor=staff,
    )
    return project


def report_title(project, kind, language):
    report = project.reports.get(kind=kind)
    with translation.override(language):
        return report.title


def expected_refusals(persona):
    """A page of refusal says so in its status, which the console reports: expected here."""
    persona.errors[:] = [error for error in persona.errors if "status of 400" not in error]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_lead_reports_staff_close_the_project_and_a_visitor_finds_it(
    personas, axe_report, staff, reporting_project, language, tmp_path
):
    project = reporting_project
    application = project.decision.application
    pages = []

    def see(persona, step):
        persona.see(step)  # and at 375 px wide
        axe_report.check_width(persona.page, f"[{language}] {persona.name}: {step}", width=320)
        pages.append((f"{persona.name}: {step}", persona.page.content()))

    # The lead: the plan due on "My applications", written, saved, submitted.
    lead = personas("lead", language)
    lead.sign_in(application.lead)
    lead.goto(url(language, "applications:mine"))
    page = lead.page
    plan = report_title(project, "dmp", language)
    due = page.locator("table.reports-due")
    expect(due.get_by_role("link", name=plan)).to_be_visible()
    see(lead, "reports due")
    due.get_by_role("link", name=plan).click()
    expect(page.locator("h1")).to_have_text(plan)
    page.locator("[name=q-data]").fill(
        "Un corpus de 1 200 cartes numérisées, décrites en Dublin Core."
    )
    page.get_by_role("button", name=t(language, "Save the draft")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        t(language, "Draft saved at %(time)s.").split("%")[0].strip()
    )
    see(lead, "plan saved")
    submit_the_report(page, language)
    see(lead, "plan submitted")
    receipt = page.locator("#submissions a").first.get_attribute("href")
    response = page.request.get(lead.url(receipt))
    assert response.ok and response.body().startswith(b"%PDF")

    # The final scientific report, then the financial statement.
    final = report_title(project, "final_scientific", language)
    lead.goto(url(language, "projects:project", project.pk))
    page.locator("#reports").get_by_role("link", name=final).click()
    page.locator("[name=q-results]").fill("Les cartes sont en ligne.")
    page.locator("[name=q-outlook]").fill("Un second volet sur les atlas.")
    submit_the_report(page, language)

    statement = report_title(project, "final_financial", language)
    lead.goto(url(language, "projects:project", project.pk))
    page.locator("#reports").get_by_role("link", name=statement).click()
    spending = page.locator("table.report-spending")
    expect(spending.locator("input")).to_have_count(2)  # staff and travel
    spending.locator("[name=spending_staff]").fill(SPENT_STAFF[language])
    spending.locator("[name=spending_travel]").fill(SPENT_TRAVEL[language])
    see(lead, "statement filled")
    submit_the_report(page, language)
    for amount in ("9000.00", "3200.50"):
        expect(spending).to_contain_text(in_language(language, money_or_dash, Decimal(amount)))
    see(lead, "statement submitted")

    # A dataset with its DOI: a malformed one is refused beside the field, then a valid one.
    lead.goto(url(language, "projects:project", project.pk))
    declare_dataset(page, language, "10.12/")
    identifier = page.locator("#id_deliverable-identifier")
    expect(identifier).to_have_class(re.compile(r"\bis-invalid\b"))
    doi_error = t(
        language, "A DOI starts with 10., a number, a slash and its suffix, such as %(example)s."
    )
    expect(page.locator("#declare-deliverable .invalid-feedback")).to_contain_text(
        doi_error % {"example": identifiers.example("doi")}
    )
    expected_refusals(lead)
    see(lead, "malformed doi refused")
    declare_dataset(page, language, f"https://doi.org/{DOI}")
    expect(page.locator(".alert-success")).to_contain_text(
        t(language, "The deliverable is declared.")
    )
    link = page.locator("#deliverables .deliverable-identifier a")
    expect(link).to_have_attribute("href", f"https://doi.org/{DOI}")
    see(lead, "dataset declared")

    # Staff: the plan and the statement accepted, the scientific report sent back.
    manager = personas("staff", language)
    manager.sign_in(staff)
    manager.goto(url(language, "projects:reports"))
    see(manager, "reports to review")
    review(manager, language, plan, accept=True)
    review(manager, language, statement, accept=True)
    review(manager, language, final, accept=False)

    # The lead changes the answer asked and submits again.
    lead.goto(url(language, "projects:project", project.pk))
    page.locator("#reports").get_by_role("link", name=final).click()
    expect(page.locator(".review-comment")).to_contain_text("Citez le jeu de données.")
    see(lead, "changes asked")
    page.locator("[name=q-results]").fill(f"Les cartes sont en ligne : doi:{DOI}.")
    submit_the_report(page, language)
    expect(page.locator("#submissions li")).to_have_count(2)
    review(manager, language, final, accept=True)
    assert set(project.reports.values_list("state", flat=True)) == {ReportState.ACCEPTED}

    # The last instalment, held for the final report, is paid without an override.
    manager.goto(url(language, "projects:project", project.pk))
    mpage = manager.page
    balance = project.instalments.get(position=2)
    form = mpage.locator("#payment")
    form.locator("[name=payment-instalment]").select_option(str(balance.pk))
    form.locator("[name=payment-paid_on]").fill(timezone.localdate().isoformat())
    form.locator("[name=payment-amount]").fill("4500")
    form.locator("[name=payment-reference]").fill("MDT-2")
    form.get_by_role("button", name=t(language, "Record the payment")).click()
    expect(mpage.locator(".alert-success")).to_contain_text(t(language, "The payment is recorded."))

    # Closing: nothing is missing, so no reason is asked.
    mpage.locator("#move-begin_closing").get_by_role(
        "button", name=t(language, "Begin closing")
    ).click()
    expect(mpage.locator(".alert-success")).to_contain_text(t(language, "The project is closing."))
    mpage.locator(".closure-link").click()
    expect(mpage.locator("[name=closure-override_reason]")).to_have_count(0)
    see(manager, "closure page")
    mpage.locator(".closure-form").get_by_role(
        "button", name=t(language, "Close the project")
    ).click()
    expect(mpage.locator(".alert-success")).to_contain_text(t(language, "The project is closed."))
    expect(mpage.locator(".project-state")).to_have_text(t(language, "Closed"))
    see(manager, "project closed")
    project.refresh_from_db()
    assert project.state == ProjectState.CLOSED and project.amount_granted == Decimal("15000.00")

    # A visitor: the closed projects, the project's public page, its dataset and DOI.
    visitor = personas("visitor", language)
    visitor.goto(url(language, "opendata:projects"))
    vpage = visitor.page
    filters = vpage.locator("form.opendata-filters")
    filters.locator("[name=state]").select_option(ProjectState.CLOSED)
    filters.get_by_role("button", name=t(language, "Filter")).click()
    found = vpage.get_by_role("link", name=TITLE)
    expect(found).to_have_count(1)
    see(visitor, "closed projects")
    found.click()
    expect(vpage.locator("h1")).to_contain_text(TITLE)
    dataset = vpage.locator(".funded-project-deliverables li")
    expect(dataset).to_contain_text(DOI)
    expect(dataset.get_by_role("link", name="Corpus des cartes")).to_have_attribute(
        "href", f"https://doi.org/{DOI}"
    )
    see(visitor, "public project page")

    axe_report.assert_clean()
    assert html_problems(pages, tmp_path) == []


def submit_the_report(page, language):
    page.get_by_role("button", name=t(language, "Submit the report")).click()
    receipt = t(language, "Download the receipt of submission %(number)s (PDF)")
    expect(page.locator("#submissions")).to_contain_text(receipt.split("%")[0].strip())
    expect(page.locator(".alert-success")).to_be_visible()


def declare_dataset(page, language, identifier):
    form = page.locator("form.deliverable-form")
    form.locator("[name=deliverable-kind]").select_option("dataset")
    form.locator("[name=deliverable-licence]").select_option("etalab-2.0")
    form.locator("[name=deliverable-title]").fill("Corpus des cartes")
    form.locator("[name=deliverable-identifier_scheme]").select_option("doi")
    form.locator("[name=deliverable-identifier]").fill(identifier)
    form.locator("[name=deliverable-is_public]").check()
    form.get_by_role("button", name=t(language, "Declare the deliverable")).click()


def review(manager, language, title, *, accept):
    """Staff open `title` from the reports list and accept it, or send it back for a change to
    its first question with a comment and a new due date."""
    page = manager.page
    manager.goto(url(language, "projects:reports"))
    page.locator("table.project-reports").get_by_role("link", name=title).first.click()
    expect(page.locator("h1")).to_have_text(title)
    if accept:
        page.locator("form.accept-report").get_by_role(
            "button", name=t(language, "Accept the report")
        ).click()
        done, step = "The report is accepted; the lead and the team are told.", "accepted"
    else:
        form = page.locator("form.ask-changes")
        form.locator("input[type=checkbox][value=q-results]").check()
        form.locator("textarea").fill("Citez le jeu de données.")
        due = timezone.localdate() + dt.timedelta(days=14)
        form.locator("input[type=date]").fill(due.isoformat())
        manager.see(f"asking changes to {title}")
        form.get_by_role("button", name=t(language, "Send back for changes")).click()
        done, step = "Changes are asked; the lead and the team are told.", "sent back"
    expect(page.locator(".alert-success")).to_contain_text(t(language, done))
    manager.see(f"{title} {step}")
