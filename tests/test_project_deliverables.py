"""Deliverables of a funded project (issue 18): the lead, the joined team or staff declare them
with a checked identifier (stored in one written form, once per project) and a licence, change
and remove them until the project ends; every change is in the history; the project page lists
them with their identifier as a link, the forms say what is wrong beside each field, and the
page costs the same whatever their number."""

import pytest
from django.urls import reverse

from applications.audit import trail
from applications.models import AuditSubject
from decisions.models import Outcome
from projects.deliverables import (
    DeliverableError,
    declare_deliverable,
    remove_deliverable,
    update_deliverable,
)
from projects.models import Deliverable

from .factories import DeliverableFactory, ProjectFactory, joined_member
from .reading import visible_text

english = pytest.mark.usefixtures("in_english")
SWHID = "swh:1:dir:d198bc9d7a6bcf6db04f476d29314f157507d505"


@pytest.fixture
def project(db):
    return ProjectFactory(state="running", title="Corpus des thèses")


def fields(**changes):
    return {
        "kind": "dataset",
        "title": "Notices des thèses",
        "description": "",
        "identifier_scheme": "doi",
        "identifier": "https://doi.org/10.5281/Zenodo.1234567",
        "url": "",
        "licence": "etalab-2.0",
        "is_public": True,
        **changes,
    }


def problems_of(service, *args, **kwargs):
    with pytest.raises(DeliverableError) as error:
        service(*args, **kwargs)
    return error.value.problems


def page_of(project):
    return reverse("projects:project", args=[project.pk])


# Who declares, and when


def test_the_lead_declares_a_deliverable_stored_with_its_identifier_normalised(project):
    lead = project.application.lead
    deliverable = declare_deliverable(project, lead, **fields())
    deliverable.refresh_from_db()
    assert deliverable.identifier == "10.5281/zenodo.1234567"
    assert deliverable.declared_by == lead
    assert deliverable.link == "https://doi.org/10.5281/zenodo.1234567"
    (row,) = trail(project.application, AuditSubject.DELIVERABLE)
    assert row.action == "Livrable déclaré"
    assert row.reason == "Notices des thèses (DOI 10.5281/zenodo.1234567)"


def test_a_joined_member_and_staff_declare_too(project, other_applicant, programme_manager):
    joined_member(project.application, other_applicant)
    declare_deliverable(project, other_applicant, **fields())
    declare_deliverable(
        project,
        programme_manager,
        **fields(identifier_scheme="swhid", identifier=SWHID, kind="software"),
    )
    assert project.deliverables.count() == 2


@pytest.mark.parametrize("persona", ["council_member", "other_applicant", "reviewer"])
def test_people_outside_the_team_cannot_declare(persona, project, request):
    with pytest.raises(DeliverableError):
        declare_deliverable(project, request.getfixturevalue(persona), **fields())
    assert not project.deliverables.exists()


@pytest.mark.parametrize("state", ["closed", "terminated"])
def test_an_ended_project_keeps_its_deliverables_as_declared(state, programme_manager):
    project = ProjectFactory(state=state)
    kept = DeliverableFactory(project=project, title="Logiciel")
    for actor in (project.application.lead, programme_manager):
        with pytest.raises(DeliverableError, match="pas terminé"):
            declare_deliverable(project, actor, **fields())
        with pytest.raises(DeliverableError):
            update_deliverable(kept, actor, **fields(title="Autre"))
        with pytest.raises(DeliverableError):
            remove_deliverable(kept, actor)
    kept.refresh_from_db()
    assert kept.title == "Logiciel"


def test_a_withdrawn_funding_declares_nothing(project):
    project.decision.outcome = Outcome.WITHDRAWN
    project.decision.save()
    with pytest.raises(DeliverableError):
        declare_deliverable(project, project.application.lead, **fields())


# What it must say


@english
def test_an_identifier_is_required_unless_the_deliverable_has_a_web_address_only(project):
    lead = project.application.lead
    problems = problems_of(declare_deliverable, project, lead, **fields(identifier=""))
    assert problems == {"identifier": ["Give its identifier, for example 10.5281/zenodo.1234567."]}
    problems = problems_of(
        declare_deliverable, project, lead, **fields(identifier_scheme="url", identifier="x")
    )
    assert problems == {"url": ["Without a persistent identifier, give its web address."]}
    deliverable = declare_deliverable(
        project,
        lead,
        **fields(identifier_scheme="url", identifier="ignored", url="https://example.org/outil"),
    )
    assert deliverable.identifier == ""
    assert deliverable.link == "https://example.org/outil"


@english
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "example.org", "https://", "http:// x"]
)
def test_a_web_address_is_http_or_https(url, project):
    problems = problems_of(
        declare_deliverable, project, project.application.lead, **fields(url=url)
    )
    assert problems == {"url": ["A web address starts with https:// or http://."]}


@english
def test_an_identifier_of_the_wrong_form_is_refused_with_the_expected_form(project):
    problems = problems_of(
        declare_deliverable,
        project,
        project.application.lead,
        **fields(identifier_scheme="ppn", identifier="027051901"),
    )
    assert problems == {
        "identifier": [
            "This PPN is not valid: its last character does not match. Check for a typo."
        ]
    }
    problems = problems_of(
        declare_deliverable,
        project,
        project.application.lead,
        **fields(identifier_scheme="hal", identifier="hal-123", title=" ", licence="WTFPL"),
    )
    assert set(problems) == {"identifier", "title", "licence"}
    assert "hal-01234567" in problems["identifier"][0]


@english
def test_one_identifier_is_declared_once_per_project(project):
    lead = project.application.lead
    first = declare_deliverable(project, lead, **fields())
    problems = problems_of(
        declare_deliverable, project, lead, **fields(identifier="doi:10.5281/zenodo.1234567")
    )
    assert problems == {
        "identifier": [
            "This identifier is already declared for this project (“Notices des thèses”)."
        ]
    }
    # Another project may declare it; the deliverable itself keeps it when changed.
    other = ProjectFactory(state="running")
    declare_deliverable(other, other.application.lead, **fields())
    update_deliverable(first, lead, **fields(title="Notices, deuxième version"))
    first.refresh_from_db()
    assert first.title == "Notices, deuxième version"


def test_changes_and_removals_are_in_the_history(project):
    lead = project.application.lead
    deliverable = declare_deliverable(project, lead, **fields())
    update_deliverable(deliverable, lead, **fields(licence="CC-BY-4.0", is_public=False))
    deliverable.refresh_from_db()
    assert (deliverable.licence, deliverable.is_public) == ("CC-BY-4.0", False)
    remove_deliverable(deliverable, lead)
    assert not Deliverable.objects.exists()
    rows = trail(project.application, AuditSubject.DELIVERABLE)
    assert [row.action for row in rows] == [
        "Livrable déclaré",
        "Livrable modifié",
        "Livrable supprimé",
    ]
    assert rows[2].reason.startswith("Notices des thèses")


# The pages


def test_the_project_page_lists_the_deliverables_with_their_link(client, project):
    DeliverableFactory(
        project=project,
        kind="software",
        title="Outil OCR",
        identifier_scheme="swhid",
        identifier=SWHID,
        licence="EUPL-1.2",
    )
    DeliverableFactory(project=project, title="Données internes", is_public=False)
    client.force_login(project.application.lead)
    response = client.get(page_of(project))
    text = visible_text(response)
    assert "Livrables" in text
    assert "Logiciel Outil OCR" in text and "EUPL 1.2 Public" in text
    assert "Données internes" in text and "Non public" in text
    assert f'href="https://archive.softwareheritage.org/{SWHID}"' in response.content.decode()
    assert "Déclarer un livrable" in text


def test_the_council_reads_the_deliverables_without_the_forms(client, project, council_member):
    DeliverableFactory(project=project, title="Notices")
    client.force_login(council_member)
    text = visible_text(client.get(page_of(project)))
    assert "Notices" in text
    assert "Déclarer un livrable" not in text and "Modifier" not in text


def test_declaring_from_the_page(client, project):
    client.force_login(project.application.lead)
    response = client.post(
        reverse("projects:declare_deliverable", args=[project.pk]),
        {
            "deliverable-kind": "publication",
            "deliverable-title": "Thèse",
            "deliverable-identifier_scheme": "hal",
            "deliverable-identifier": "https://theses.hal.science/tel-04012345v2",
            "deliverable-licence": "CC-BY-4.0",
            "deliverable-is_public": "on",
        },
        follow=True,
    )
    text = visible_text(response)
    assert "Le livrable est déclaré." in text
    assert 'href="https://hal.science/tel-04012345v2"' in response.content.decode()


def test_a_refused_declaration_comes_back_with_the_error_beside_the_field(client, project):
    client.force_login(project.application.lead)
    response = client.post(
        reverse("projects:declare_deliverable", args=[project.pk]),
        {
            "deliverable-kind": "dataset",
            "deliverable-title": "Notices",
            "deliverable-identifier_scheme": "ark",
            "deliverable-identifier": "ark:/1214/x",
            "deliverable-licence": "CC0-1.0",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('id="id_deliverable-identifier"') - 300 :]
    assert 'aria-invalid="true"' in field[:600]
    assert "Un ARK commence par ark:/" in visible_text(response)
    assert 'value="ark:/1214/x"' in page
    assert not project.deliverables.exists()


def test_the_lead_changes_then_removes_a_deliverable(client, project):
    deliverable = DeliverableFactory(project=project, title="Notices")
    edit = reverse("projects:edit_deliverable", args=[project.pk, deliverable.pk])
    client.force_login(project.application.lead)
    page = client.get(edit)
    assert page.status_code == 200
    assert f'value="{deliverable.identifier}"' in page.content.decode()
    response = client.post(
        edit,
        {
            "deliverable-kind": "corpus",
            "deliverable-title": "Corpus numérisé",
            "deliverable-identifier_scheme": "ark",
            "deliverable-identifier": "https://gallica.bnf.fr/ark:/12148/bpt6k5619759j",
            "deliverable-licence": "etalab-2.0",
        },
        follow=True,
    )
    assert "Le livrable est enregistré." in visible_text(response)
    deliverable.refresh_from_db()
    assert deliverable.identifier == "ark:/12148/bpt6k5619759j"
    assert not deliverable.is_public
    response = client.post(
        reverse("projects:remove_deliverable", args=[project.pk, deliverable.pk]), follow=True
    )
    assert "Le livrable est supprimé." in visible_text(response)
    assert not project.deliverables.exists()


def test_a_refused_change_stays_on_its_page_with_the_error(client, project):
    deliverable = DeliverableFactory(project=project, title="Notices")
    client.force_login(project.application.lead)
    response = client.post(
        reverse("projects:edit_deliverable", args=[project.pk, deliverable.pk]),
        {
            "deliverable-kind": "dataset",
            "deliverable-title": "Notices",
            "deliverable-identifier_scheme": "url",
            "deliverable-url": "javascript:alert(1)",
            "deliverable-licence": "etalab-2.0",
        },
    )
    assert response.status_code == 400
    assert "Une adresse web commence par https:// ou http://." in visible_text(response)


@pytest.mark.parametrize("persona", ["council_member", "other_applicant"])
def test_who_may_not_change_a_deliverable_gets_a_404(persona, client, project, request):
    deliverable = DeliverableFactory(project=project)
    client.force_login(request.getfixturevalue(persona))
    edit = reverse("projects:edit_deliverable", args=[project.pk, deliverable.pk])
    assert client.get(edit).status_code == 404
    remove = reverse("projects:remove_deliverable", args=[project.pk, deliverable.pk])
    assert client.post(remove).status_code == 404
    assert project.deliverables.exists()


def test_a_deliverable_is_reached_through_its_own_project_only(client, project):
    other = DeliverableFactory()
    client.force_login(project.application.lead)
    edit = reverse("projects:edit_deliverable", args=[project.pk, other.pk])
    assert client.get(edit).status_code == 404


@english
def test_the_section_reads_in_english(client, project):
    DeliverableFactory(project=project, title="Records", is_public=False)
    client.force_login(project.application.lead)
    text = visible_text(client.get(page_of(project)))
    assert "Deliverables" in text and "Not public" in text and "Declare a deliverable" in text


@pytest.mark.parametrize("count", [1, 5])
def test_the_page_costs_the_same_whatever_the_number_of_deliverables(
    client, project, django_assert_num_queries, count
):
    DeliverableFactory.create_batch(count, project=project)
    lead = project.application.lead
    client.force_login(lead)
    client.get(page_of(project))  # the session cached
    with django_assert_num_queries(QUERIES):
        response = client.get(page_of(project))
    assert response.content.decode().count('class="deliverable"') == count


QUERIES = 16
