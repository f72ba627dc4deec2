"""Nothing unannounced or private in the public page, the files, the DCAT catalogue or the API: a
funded project whose funding is not announced, of an unpublished call, or a deliverable its
project keeps private, appears nowhere; no person's name, e-mail or ORCID iD either. The
deliverables' API and file cost a fixed number of queries whatever their length."""

import pytest
from django.urls import reverse

from .factories import CallFactory, UserFactory
from .published_projects import deliverable, followed, funded_application

pytestmark = pytest.mark.django_db

HIDDEN = ("Projet pas encore annoncé", "Projet d'un appel brouillon", "Livrable gardé privé")
HIDDEN_DELIVERABLES = ("Livrable d'un projet non annoncé", "Livrable d'un appel brouillon")


@pytest.fixture
def scene():
    declarer = UserFactory(first_name="Hortense", last_name="Delacroix", email="h@example.org")
    declarer.orcid = "0000-0002-1825-0097"
    declarer.save()
    shown = funded_application(title="Projet annoncé")
    shown.team.filter(is_lead=True).update(
        name="Hortense Delacroix", email="h@example.org", orcid="0000-0002-1825-0097"
    )
    project = followed(shown)
    public = deliverable(project, title="Livrable public", declared_by=declarer)
    private = deliverable(project, title="Livrable gardé privé", is_public=False)
    unannounced = funded_application(title="Projet pas encore annoncé", announced=False)
    hidden = deliverable(followed(unannounced), title="Livrable d'un projet non annoncé")
    draft = funded_application(
        CallFactory(closed=True, draft=True), title="Projet d'un appel brouillon"
    )
    in_draft_call = deliverable(followed(draft), title="Livrable d'un appel brouillon")
    return {
        "shown": shown,
        "public": public,
        "private": private,
        "unannounced": unannounced,
        "draft": draft,
        "hidden": (hidden, in_draft_call),
    }


def everything_public(client, scene):
    """Every public answer, as text."""
    client.logout()
    names = (
        "opendata:projects",
        "opendata:projects_csv",
        "opendata:projects_json",
        "opendata:deliverables_csv",
        "opendata:calls_csv",
        "opendata:catalogue_jsonld",
        "opendata:catalogue_rdf",
        "api:project-list",
        "api:deliverable-list",
    )
    texts = {name: client.get(reverse(name)).content.decode("utf-8") for name in names}
    page = client.get(reverse("opendata:project", args=[scene["shown"].reference]))
    texts["page"] = page.content.decode()
    return texts


def test_nothing_unannounced_or_private_is_published_anywhere(client, scene):
    texts = everything_public(client, scene)

    for name, text in texts.items():
        for hidden in (*HIDDEN, *HIDDEN_DELIVERABLES):
            assert hidden not in text.replace("&#x27;", "'"), (name, hidden)
    assert "Livrable public" in texts["page"]
    assert "Livrable public" in texts["opendata:deliverables_csv"]
    assert "Livrable public" in texts["api:deliverable-list"]


def test_no_person_is_named(client, scene):
    for name, text in everything_public(client, scene).items():
        for personal in ("Delacroix", "h@example.org", "0000-0002-1825-0097"):
            assert personal not in text, (name, personal)


def test_unpublished_projects_and_deliverables_are_not_found(client, scene):
    for application in (scene["unannounced"], scene["draft"]):
        assert (
            client.get(reverse("opendata:project", args=[application.reference])).status_code == 404
        )
        assert client.get(f"/api/v1/projects/{application.reference}/").status_code == 404
    for hidden in (scene["private"], *scene["hidden"]):
        assert client.get(f"/api/v1/deliverables/{hidden.pk}/").status_code == 404
    found = client.get(f"/api/v1/deliverables/{scene['public'].pk}/")
    assert found.status_code == 200
    assert found.json()["project_id"] == scene["shown"].reference


def test_deliverables_are_filtered_by_project_and_kind(client, scene):
    project = scene["public"].project
    deliverable(project, kind="software", title="Logiciel public")
    reference = scene["shown"].reference

    def titles(**params):
        answer = client.get(reverse("api:deliverable-list"), params).json()
        return sorted(row["title"] for row in answer["results"])

    assert titles(project=reference) == ["Livrable public", "Logiciel public"]
    assert titles(project=reference, kind="software") == ["Logiciel public"]
    assert titles(project=scene["unannounced"].reference) == []
    assert titles(project="pas-une-reference") == []


def test_a_deliverable_reads_as_a_row_of_its_file(client, scene):
    row = client.get(f"/api/v1/deliverables/{scene['public'].pk}/").json()

    assert row == {
        "id": scene["public"].pk,
        "project_id": scene["shown"].reference,
        "kind": "dataset",
        "title": "Livrable public",
        "description": "",
        "identifier_scheme": "doi",
        "identifier": scene["public"].identifier,
        "url": f"https://doi.org/{scene['public'].identifier}",
        "licence": "etalab-2.0",
        "declared_on": row["declared_on"],
    }


@pytest.mark.parametrize("count", [2, 9])
def test_the_deliverables_cost_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    project = followed(funded_application(title="Projet annoncé"))
    for number in range(count):
        deliverable(project, title=f"Livrable {number}")

    with django_assert_num_queries(2):  # the count, the page
        assert client.get(reverse("api:deliverable-list")).json()["count"] == count
    with django_assert_num_queries(1):
        text = client.get(reverse("opendata:deliverables_csv")).content.decode("utf-8-sig")
    assert len(text.strip().split("\r\n")) == count + 1
