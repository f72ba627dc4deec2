"""The project pages: staff's list of funded projects (filters, query count at two sizes), one
project's page for those who may read it, staff's moves as forms with their errors beside the
fields, the lead's link from "My applications", French by default and English complete. The
agreement's section (its signatures move the project) is tests/test_projects_agreement.py's."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from decisions.letters import send_letter
from projects import services
from projects.models import Project, ProjectState

from .factories import (
    CallFactory,
    InstitutionFactory,
    ProgrammeFactory,
    decided_application,
    joined_member,
)
from .reading import visible_text

LIST = "/gestion/projets/"


def funded_project(staff, call=None, title="Corpus des thèses", amount=Decimal("12500.00")):
    application = decided_application(
        call or CallFactory(closed=True), amount=amount, application={"title": title}
    )
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


@pytest.fixture
def project(programme_manager):
    return funded_project(programme_manager)


def page_of(project):
    return reverse("projects:project", args=[project.pk])


# The list


def test_staff_see_every_funded_project_with_its_amount_and_state(
    client, programme_manager, project
):
    client.force_login(programme_manager)
    text = visible_text(client.get(LIST))
    assert "Projets financés" in text
    assert project.application.reference in text
    assert "Corpus des thèses" in text
    assert "12\u202f500\u00a0€" in text or "12 500 €" in text.replace("\u202f", " ")
    assert "Convention en préparation" in text


def test_the_list_filters_by_state_and_programme(client, programme_manager):
    edition, services_ = ProgrammeFactory(), ProgrammeFactory()
    first = funded_project(programme_manager, CallFactory(closed=True, programme=edition), "Alpha")
    second = funded_project(
        programme_manager, CallFactory(closed=True, programme=services_), "Bêta"
    )
    services.terminate_project(second, programme_manager, "Abandon")
    client.force_login(programme_manager)
    by_state = visible_text(client.get(LIST, {"state": ProjectState.TERMINATED}))
    assert "Bêta" in by_state and "Alpha" not in by_state
    by_programme = visible_text(client.get(LIST, {"programme": edition.pk}))
    assert "Alpha" in by_programme and "Bêta" not in by_programme
    assert first.application.reference in by_programme


@pytest.mark.parametrize("count", [2, 6])
def test_the_list_costs_the_same_whatever_the_number_of_projects(
    client, programme_manager, django_assert_num_queries, count
):
    carrier = InstitutionFactory()
    for number in range(count):
        project = funded_project(programme_manager, title=f"Projet {number}")
        services.set_carrier(
            project,
            programme_manager,
            carrier=carrier,
            finance_contact_name="",
            finance_contact_email="",
        )
    client.force_login(programme_manager)
    client.get(LIST)  # the session and the permissions cached
    with django_assert_num_queries(10):
        response = client.get(LIST)
    assert response.content.decode().count("project-state") == count


def test_the_management_page_leads_staff_to_the_list(client, programme_manager):
    client.force_login(programme_manager)
    assert LIST in client.get(reverse("reviews:management")).content.decode()


# Marked: its only database fixtures come through getfixturevalue, which pytest-django does not
# see when it puts the transactional tests (which empty the roles' groups) before the others.
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["applicant", "reviewer", "council_member"])
def test_nobody_but_staff_opens_the_list(persona, client, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 404


# One project, per persona


def test_the_lead_reads_their_project_without_the_staff_forms(client, project):
    client.force_login(project.application.lead)
    response = client.get(page_of(project))
    text = visible_text(response)
    assert response.status_code == 200
    assert "Convention en préparation" in text and "Projet créé" in text
    assert "Préparer la convention" not in text
    assert "Porteur administratif Pas encore renseigné" in text


def test_a_team_member_who_joined_and_the_council_read_it(
    client, project, other_applicant, council_member
):
    joined_member(project.application, other_applicant)
    for person in (other_applicant, council_member):
        client.force_login(person)
        assert client.get(page_of(project)).status_code == 200


@pytest.mark.parametrize("persona", ["applicant", "reviewer"])
def test_others_get_a_404(persona, client, project, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_of(project)).status_code == 404
    assert client.post(page_of(project), {"step": "start"}).status_code == 404


def test_the_lead_cannot_move_their_project(client, project):
    client.force_login(project.application.lead)
    response = client.post(page_of(project), {"step": "terminate", "terminate-reason": "Non"})
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_PREPARATION


def test_terminating_without_a_reason_is_refused_beside_the_reason(
    client, programme_manager, project
):
    client.force_login(programme_manager)
    response = client.post(page_of(project), {"step": "terminate", "terminate-reason": ""})
    assert response.status_code == 400
    assert 'id="id_terminate-reason"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_PREPARATION


def test_staff_terminate_with_a_reason_that_the_lead_then_reads(client, programme_manager, project):
    client.force_login(programme_manager)
    client.post(page_of(project), {"step": "terminate", "terminate-reason": "Équipe dissoute"})
    client.force_login(project.application.lead)
    text = visible_text(client.get(page_of(project)))
    assert "Résilié" in text and "Équipe dissoute" in text


def test_a_move_the_state_forbids_is_not_offered_and_is_refused(client, programme_manager, project):
    client.force_login(programme_manager)
    assert "Commencer la clôture" not in visible_text(client.get(page_of(project)))
    response = client.post(page_of(project), {"step": "begin_closing"})
    assert response.status_code == 400
    assert "ne peut pas entrer en clôture" in visible_text(response)


def test_staff_set_the_carrier_from_the_directory(client, programme_manager, project):
    carrier = InstitutionFactory(name="Université de Strasbourg")
    client.force_login(programme_manager)
    response = client.post(
        page_of(project),
        {
            "step": "carrier",
            "carrier-carrier": carrier.pk,
            "carrier-finance_contact_name": "Paul Compta",
            "carrier-finance_contact_email": "compta@example.org",
        },
        follow=True,
    )
    text = visible_text(response)
    assert "Porteur administratif Université de Strasbourg" in text
    assert "Paul Compta" in text


def test_once_the_agreement_is_signed_the_carrier_is_shown_not_changed(
    client, programme_manager, project
):
    carrier = InstitutionFactory(name="Université de Strasbourg")
    services.set_carrier(
        project,
        programme_manager,
        carrier=carrier,
        finance_contact_name="",
        finance_contact_email="",
    )
    services.sign_agreement(
        project,
        programme_manager,
        signed_on=dt.date(2026, 3, 16),
        start_date=dt.date(2026, 4, 1),
        duration_months=24,
    )
    client.force_login(programme_manager)
    page = client.get(page_of(project))
    html = page.content.decode()
    select = re.search(r'<select[^>]*id="id_carrier-carrier"[^>]*>', html).group()
    assert "disabled" in select
    assert "avenant de changement de porteur" in visible_text(page)
    response = client.post(
        page_of(project),
        {
            "step": "carrier",
            "carrier-carrier": InstitutionFactory(name="Université de Lyon").pk,
            "carrier-finance_contact_name": "Paul Compta",
            "carrier-finance_contact_email": "compta@example.org",
        },
        follow=True,
    )
    text = visible_text(response)
    assert "Porteur administratif Université de Strasbourg" in text
    assert "Paul Compta" in text


# My applications


def test_the_lead_finds_the_project_from_my_applications(client, project):
    client.force_login(project.application.lead)
    page = client.get(reverse("applications:mine")).content.decode()
    assert page_of(project) in page
    assert "Le projet financé" in page


def test_an_application_without_project_has_no_link(client, applicant):
    decided_application(CallFactory(closed=True), application={"lead": applicant})
    client.force_login(applicant)
    assert "project-link" not in client.get(reverse("applications:mine")).content.decode()


# English


def test_the_pages_read_in_english(client, programme_manager, project):
    client.force_login(programme_manager)
    with translation.override("en"):
        url = reverse("projects:project", args=[project.pk])
        listing = reverse("projects:list")
    assert listing == "/en/manage/projects/"
    text = visible_text(client.get(url))
    assert "Agreement in preparation" in text and "Prepare the agreement" in text
    assert "€12,500.00" in text or "€12,500" in text
    assert "Funded projects" in visible_text(client.get(listing))
