"""Project reports' pages, the lead's side (issue 18): the lead and a joined member write and
submit, staff read, the council and outsiders get a 404; the page autosaves with the same JSON
as an application's draft and a stale tab gets a 409; a refused submission shows its problems
beside the fields; the financial statement takes amounts as French people type them; files are
checked by content and served through the report's rule; the project page and "My applications"
list what is due; each list costs the same whatever its length."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from decisions.letters import send_letter
from projects import payments, services
from projects.models import Condition, Project, ProjectReport, ReportState
from projects.reports import save_report_draft, submit_report

from .factories import (
    BudgetLineFactory,
    CallFactory,
    CallReportFactory,
    InstitutionFactory,
    UserFactory,
    decided_application,
    joined_member,
    report_question,
    support_letter_question,
)
from .reading import visible_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def call(db):
    call = CallFactory(closed=True)
    CallReportFactory(
        call=call,
        kind="interim",
        title_fr="Rapport à mi-parcours",
        due_months=12,
        questions=[report_question(), support_letter_question("q-annex")],
    )
    CallReportFactory(
        call=call,
        kind="final_financial",
        title_fr="État des dépenses",
        due_months=2,
        due_from="end",
        questions=[],
    )
    return call


def funded_project(call, staff, start=dt.date(2026, 4, 1)):
    application = decided_application(call, amount=Decimal("15000.00"))
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
    return services.sign_agreement(
        project, staff, signed_on=start, start_date=start, duration_months=24
    )


@pytest.fixture
def project(call, programme_manager):
    return funded_project(call, programme_manager)


@pytest.fixture
def report(project):
    return project.reports.get(kind="interim")


@pytest.fixture
def lead(project):
    return project.decision.application.lead


@pytest.fixture
def member(project):
    person = UserFactory(email="membre-equipe@example.org")
    joined_member(project.decision.application, person)
    return person


def page_of(report):
    return reverse("projects:report", args=[report.project_id, report.pk])


def submit_url(report):
    return reverse("projects:submit_report", args=[report.project_id, report.pk])


# Who opens the page


@pytest.mark.parametrize("persona", ["lead", "member"])
def test_the_lead_and_a_joined_member_write_the_report(persona, client, report, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(page_of(report))
    text = visible_text(response)
    assert "Rapport à mi-parcours" in text
    assert "Avancement du projet" in text and "Lettre de soutien" in text
    assert "Enregistrer le brouillon" in text and "Déposer le rapport" in text
    assert "data-autosave" in response.content.decode()


def test_staff_read_the_report_without_a_form(client, report, programme_manager):
    client.force_login(programme_manager)
    response = client.get(page_of(report))
    assert response.status_code == 200
    assert "Avancement du projet" in visible_text(response)
    assert "data-autosave" not in response.content.decode()


@pytest.mark.parametrize("persona", ["council_member", "reviewer", "other_applicant"])
def test_the_council_and_outsiders_get_a_404(persona, client, report, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_of(report)).status_code == 404
    assert client.post(page_of(report), {"version": "1"}).status_code == 404
    report.refresh_from_db()
    assert report.version == 1


# Saving


def test_autosave_answers_the_same_json_as_an_application_draft(client, report, lead):
    client.force_login(lead)
    response = client.post(page_of(report), {"version": "1", "q-summary": "En cours"}, **FETCH)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2 and body["warning"] == ""
    assert body["saved_at"] == timezone.localtime(timezone.now()).strftime("%H:%M")
    report.refresh_from_db()
    assert report.answers == {"q-summary": "En cours"}


def test_a_stale_tab_gets_a_409_and_overwrites_nothing(client, report, lead, member):
    client.force_login(member)
    client.post(page_of(report), {"version": "1", "q-summary": "Version du membre"}, **FETCH)
    client.force_login(lead)
    response = client.post(page_of(report), {"version": "1", "q-summary": "Ancien onglet"}, **FETCH)
    assert response.status_code == 409
    assert "modifié ailleurs" in response.json()["error"]
    report.refresh_from_db()
    assert report.answers == {"q-summary": "Version du membre"}


def test_the_save_button_works_without_javascript(client, report, lead):
    client.force_login(lead)
    response = client.post(page_of(report), {"version": "1", "q-summary": "Sans script"})
    assert response.status_code == 302
    page = visible_text(client.get(response["Location"]))
    assert "Brouillon enregistré à" in page and "Sans script" in page


# Submitting


def test_a_refused_submission_shows_its_problems_beside_the_fields(client, report, lead):
    client.force_login(lead)
    response = client.post(submit_url(report), {"version": "1", "q-summary": ""})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Le rapport n’a pas été déposé" in page
    assert "Cette réponse est obligatoire." in page
    assert 'href="#id_q-summary"' in page
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_a_submitted_report_reads_back_with_its_receipt(client, report, lead):
    client.force_login(lead)
    response = client.post(submit_url(report), {"version": "1", "q-summary": "Tout est fait."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    page = client.get(page_of(report))
    text = visible_text(page)
    assert "Le rapport a été reçu le" in text
    assert "Tout est fait." in text and "data-autosave" not in page.content.decode()
    submission = report.submissions.get()
    assert submission.fingerprint in text
    receipt = reverse("projects:report_receipt", args=[report.project_id, report.pk, 1])
    assert receipt in page.content.decode()
    pdf = client.get(receipt)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_financial_statement_takes_amounts_as_they_are_typed(client, project, lead):
    report = project.reports.get(kind="final_financial")
    client.force_login(lead)
    page = visible_text(client.get(page_of(report)))
    assert "Personnel" in page and "10 000,00 €" in page.replace("\u202f", " ").replace(
        "\u00a0", " "
    )
    data = {"version": "1", "spending_staff": "9 800,50", "spending_travel": "0"}
    response = client.post(page_of(report), data, **FETCH)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.spending == {"staff": "9800.50", "travel": "0.00"}
    shown = visible_text(client.get(page_of(report))).replace("\u202f", " ").replace("\xa0", " ")
    assert "199,50 €" in shown  # what remains of the staff budget


# Files


def upload(client, report, content, name="annexe.pdf"):
    url = reverse("projects:upload_report_file", args=[report.project_id, report.pk, "q-annex"])
    report.refresh_from_db()
    return client.post(
        url, {"version": report.version, "file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_a_file_is_checked_by_its_content_and_served_through_the_rule(
    client, report, lead, other_applicant
):
    client.force_login(lead)
    refused = upload(client, report, b"pas un PDF", "faux.pdf")
    assert "n’est pas un fichier d’un type accepté" in html.unescape(visible_text(refused))
    assert not report.attachments.exists()
    # Beside the file field (its error linked from the list at the top), not only at the top.
    page = html.unescape(refused.content.decode())
    assert 'href="#upload-q-annex-file"' in page
    beside = page[page.index('id="upload-q-annex-error"') :]
    assert beside.split("</div>")[0].count("n’est pas un fichier d’un type accepté") == 1
    assert 'aria-invalid="true"' in page
    accepted = visible_text(upload(client, report, PDF))
    assert "« annexe.pdf » est joint" in accepted.replace("\u00a0", " ")
    attachment = report.attachments.get()
    download = reverse("projects:report_file", args=[report.project_id, report.pk, attachment.pk])
    assert b"".join(client.get(download).streaming_content) == PDF
    client.force_login(other_applicant)
    assert client.get(download).status_code == 404


# Lists: the project page and "My applications"


def test_the_project_page_lists_the_reports_with_their_due_dates_and_lateness(
    client, call, programme_manager, council_member
):
    project = funded_project(call, programme_manager, start=dt.date(2024, 1, 10))
    client.force_login(project.decision.application.lead)
    text = visible_text(client.get(reverse("projects:project", args=[project.pk])))
    assert "Rapport à mi-parcours" in text and "10 janvier 2025" in text
    assert "En retard" in text
    late = project.reports.get(kind="interim")
    assert "En retard" in visible_text(client.get(page_of(late)))
    client.force_login(council_member)
    council = client.get(reverse("projects:project", args=[project.pk]))
    assert council.status_code == 200  # the council reads the project, not its reports
    assert "Rapport à mi-parcours" not in visible_text(council)


@pytest.mark.parametrize("persona", ["lead", "member"])
def test_my_applications_shows_the_reports_due(persona, client, report, request):
    client.force_login(request.getfixturevalue(persona))
    text = visible_text(client.get(reverse("applications:mine")))
    assert "Rapports dus par vos projets" in text
    assert "Rapport à mi-parcours" in text and "État des dépenses" in text
    assert report.project.decision.application.reference in text


def test_my_applications_leaves_out_submitted_reports_and_other_peoples(
    client, report, lead, other_applicant
):
    save_report_draft(report, 1, actor=lead, answers={"q-summary": "Fait."})
    report.attachments.all().delete()
    submit_report(report, lead)
    client.force_login(lead)
    text = visible_text(client.get(reverse("applications:mine")))
    assert "État des dépenses" in text and "Rapport à mi-parcours" not in text
    client.force_login(other_applicant)
    assert "Rapports dus par vos projets" not in visible_text(
        client.get(reverse("applications:mine"))
    )


@pytest.mark.parametrize("count", [1, 4])
def test_my_applications_costs_the_same_whatever_the_number_of_reports(
    client, programme_manager, django_assert_num_queries, count
):
    lead = UserFactory()
    for _number in range(count):
        call = CallFactory(closed=True)
        CallReportFactory(call=call, kind="dmp", due_months=6)
        application = decided_application(call, application={"lead": lead})
        send_letter(application.decision, programme_manager)
    client.force_login(lead)
    client.get(reverse("applications:mine"))
    # 11 with the collections the person holds (labels.my_page), one query at any size.
    with django_assert_num_queries(11):
        response = client.get(reverse("applications:mine"))
    assert response.content.decode().count('class="report-due"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_the_report_page_costs_the_same_whatever_the_number_of_submissions(
    client, report, lead, programme_manager, django_assert_num_queries, count
):
    for number in range(count):
        report.submissions.create(
            number=number + 1,
            received_at=timezone.now(),
            content={"answers": {}},
            fingerprint=f"{number:064d}",
        )
    ProjectReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED)
    client.force_login(programme_manager)
    client.get(page_of(report))
    with django_assert_num_queries(12):
        response = client.get(page_of(report))
    assert response.content.decode().count("Télécharger le récépissé") == count


def test_a_stale_save_without_javascript_keeps_what_was_typed_on_the_page(
    client, report, lead, member
):
    client.force_login(member)
    client.post(page_of(report), {"version": "1", "q-summary": "Version du membre"})
    client.force_login(lead)
    response = client.post(page_of(report), {"version": "1", "q-summary": "Mon texte à garder"})
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Mon texte à garder" in page  # nothing lost: still on the page, to copy
    assert "modifié ailleurs" in page
    report.refresh_from_db()
    assert report.answers == {"q-summary": "Version du membre"}


def test_the_answers_staff_asked_to_change_are_marked(client, project, report, lead):
    ProjectReport.objects.filter(pk=report.pk).update(
        state=ReportState.CHANGES_REQUESTED,
        changes_on=["q-summary"],
        review_comment="Précisez le calendrier.",
    )
    client.force_login(lead)
    text = visible_text(client.get(page_of(report)))
    assert "Précisez le calendrier." in text
    assert text.count("L’équipe du programme vous demande de modifier cette réponse.") == 1
    assert "Enregistrer le brouillon" in text


def test_the_page_says_answers_are_required_to_submit_the_report_not_an_application(
    client, report, lead
):
    client.force_login(lead)
    text = visible_text(client.get(page_of(report)))
    assert "sont obligatoires pour déposer le rapport" in text
    assert "déposer la candidature" not in text


def test_the_page_lists_the_answers_staff_asked_to_change_beside_their_comment(
    client, report, lead
):
    ProjectReport.objects.filter(pk=report.pk).update(
        state=ReportState.CHANGES_REQUESTED,
        changes_on=["q-summary", "q-annex"],
        review_comment="Précisez le calendrier.",
    )
    client.force_login(lead)
    text = visible_text(client.get(page_of(report)))
    assert "Réponses à modifier Avancement du projet Lettre de soutien" in text


def test_the_reports_addresses_read_in_french_on_french_pages(client, report, lead):
    args = [report.project_id, report.pk]
    with translation.override("fr"):
        page = reverse("projects:report", args=args)
        addresses = [
            page,
            reverse("projects:submit_report", args=args),
            reverse("projects:report_receipt", args=[*args, 1]),
            reverse("projects:upload_report_file", args=[*args, "q-annex"]),
            reverse("projects:report_file", args=[*args, 7]),
            reverse("projects:remove_report_file", args=[*args, 7]),
        ]
    assert page == f"/projets/{report.project_id}/rapports/{report.pk}/"
    assert [address.split("/rapports/")[1].split("/", 1)[1] for address in addresses] == [
        "",
        "deposer/",
        "recepisse-1.pdf",
        "pieces/q-annex/ajouter/",
        "pieces/7/",
        "pieces/7/supprimer/",
    ]
    client.force_login(lead)
    assert client.get(page).status_code == 200


def test_the_schedule_scrolls_in_its_own_region_on_a_phone(
    client, project, lead, programme_manager
):
    instalment = {
        "instalment": None,
        "label": "À la signature",
        "share": Decimal("100"),
        "amount": None,
        "planned_on": dt.date(2026, 4, 1),
        "condition": Condition.NONE,
    }
    payments.set_schedule(project, [instalment], programme_manager)
    client.force_login(lead)
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    table = page.index('class="table table-sm align-middle instalments"')
    wrapper = page[page.rindex("<div", 0, table) : table]
    assert 'class="table-responsive"' in wrapper and 'role="region"' in wrapper
    assert 'tabindex="0"' in wrapper and 'aria-label="Échéances"' in wrapper
