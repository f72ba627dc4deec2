"""A labelled collection's public page: its record, label state and history, its catalogue links,
a stable address (its number, whatever its name becomes), the funded projects and public
deliverables that used it (announced ones only), never its holders; and the funded projects
page filtered by collection."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from labels.status import paris_today
from labels.vocabularies import CatalogueScheme

from .factories import InstitutionFactory, UserFactory, collection_record, labelled_collection
from .published_projects import deliverable, followed, funded_application
from .reading import visible_text

pytestmark = pytest.mark.django_db


def page(client, collection, language="fr"):
    with translation.override(language):
        return client.get(reverse("labels:collection", args=[collection.pk]))


@pytest.fixture
def sorbonne():
    institution = InstitutionFactory(name="Sorbonne Université", ror="02en5vm52")
    record = collection_record(institution=institution)
    record["links"] = {
        CatalogueScheme.SUDOC: "027051900",
        CatalogueScheme.IDREF: "034599916",
        CatalogueScheme.BNF: "ark:/12148/cb11960787f",
        CatalogueScheme.CALAMES: "https://calames.abes.fr/pub/#details?id=FileId-1",
    }
    holder = UserFactory(
        first_name="Hortense", last_name="Détentrice", email="hortense@example.org"
    )
    return labelled_collection(record=record, lead=holder)


def test_the_page_shows_the_record_in_french(client, sorbonne):
    response = page(client, sorbonne)
    assert response.status_code == 200
    text = visible_text(response)
    assert "histoire des sciences" in text
    assert sorbonne.code in text
    assert "Imprimés et manuscrits de savants" in text
    assert "Sorbonne Université" in text
    assert "Bibliothèque universitaire" in text
    assert "Histoire" in text
    assert "120,5 mètres linéaires" in text
    assert "Sur rendez-vous, en salle de lecture." in text
    assert "1 place de la Sorbonne, 75005 Paris (Île-de-France)" in text
    assert "Labellisée depuis le" in text
    content = response.content.decode()
    assert 'href="https://ror.org/02en5vm52"' in content


def test_the_page_reads_in_english_with_numbers_in_english(client, sorbonne):
    text = visible_text(page(client, sorbonne, "en"))
    assert "History of science collection" in text
    assert "120.5 linear metres" in text
    assert "15,000 volumes" in text
    assert "Printed books, Manuscripts" in text
    assert "By appointment, in the reading room." in text


def test_catalogue_links_go_to_their_catalogues(client, sorbonne):
    content = page(client, sorbonne).content.decode()
    assert 'href="https://www.sudoc.fr/027051900"' in content
    assert 'href="https://www.idref.fr/034599916"' in content
    assert 'href="https://catalogue.bnf.fr/ark:/12148/cb11960787f"' in content
    assert 'href="https://calames.abes.fr/pub/#details?id=FileId-1"' in content


def test_the_address_stays_after_a_rename(client, sorbonne):
    before = reverse("labels:collection", args=[sorbonne.pk])
    sorbonne.name_fr = "Fonds Sorbonne renommé"
    sorbonne.save()
    with translation.override("fr"):
        assert reverse("labels:collection", args=[sorbonne.pk]) == before
        assert sorbonne.get_absolute_url() == f"/collections-labellisees/{sorbonne.pk}/"
    assert "Fonds Sorbonne renommé" in visible_text(client.get(before))


def test_an_expired_label_is_shown_as_such_with_its_history(client):
    expired = labelled_collection(decided_on=paris_today() - dt.timedelta(days=3 * 365), months=12)
    text = visible_text(page(client, expired))
    assert "Label expiré" in text
    assert "label expiré le" in text
    assert "Historique du label" in text
    assert "Première labellisation" in text


def test_an_unknown_collection_is_not_found(client, sorbonne):
    with translation.override("fr"):
        response = client.get(reverse("labels:collection", args=[sorbonne.pk + 1000]))
    assert response.status_code == 404


def test_no_holder_is_named(client, sorbonne):
    content = page(client, sorbonne).content.decode()
    for secret in ("Hortense", "Détentrice", "hortense@example.org"):
        assert secret not in content


# The funded projects that used the collection


def used_by(collection, title, announced=True):
    application = funded_application(title=title, announced=announced)
    application.collections_used.add(collection)
    return application


def test_the_page_lists_announced_projects_and_their_public_deliverables_only(client, sorbonne):
    announced = used_by(sorbonne, "Herbiers numérisés")
    project = followed(announced)
    deliverable(project, title="Corpus ouvert", identifier="10.5281/zenodo.777", is_public=True)
    deliverable(project, title="Notes internes", is_public=False, identifier="10.5281/zenodo.778")
    used_by(sorbonne, "Projet pas encore annoncé", announced=False)
    funded_application(title="Projet sans la collection")

    response = page(client, sorbonne)
    text, content = visible_text(response), response.content.decode()
    assert "Projets financés qui ont utilisé cette collection" in text
    with translation.override("fr"):
        assert reverse("opendata:project", args=[announced.reference]) in content
    assert "Corpus ouvert" in text
    assert 'href="https://doi.org/10.5281/zenodo.777"' in content
    for hidden in ("Notes internes", "zenodo.778", "pas encore annoncé", "sans la collection"):
        assert hidden not in content


def test_without_a_funded_project_the_section_is_absent(client, sorbonne):
    used_by(sorbonne, "Projet pas encore annoncé", announced=False)
    assert "Projets financés qui ont utilisé" not in visible_text(page(client, sorbonne))


@pytest.mark.parametrize("count", [1, 6])
def test_the_page_needs_a_fixed_number_of_queries(
    client, sorbonne, count, django_assert_num_queries
):
    for number in range(count):
        deliverable(followed(used_by(sorbonne, f"Projet {number}")), is_public=True)
    page(client, sorbonne)
    # The collection, its disciplines, terms and periods; the related projects and their
    # deliverables; the base template's site and its settings.
    with django_assert_num_queries(8):
        response = page(client, sorbonne)
    assert response.status_code == 200


def test_the_funded_projects_page_filters_by_collection(client, sorbonne):
    used_by(sorbonne, "Herbiers numérisés")
    funded_application(title="Projet sans la collection")
    with translation.override("en"):
        response = client.get(reverse("opendata:projects"), {"collection": sorbonne.pk})
    text = visible_text(response)
    assert "1 funded project" in text
    assert "Herbiers numérisés" in text
    assert "Projet sans la collection" not in text
    # The select offers the collections that announced projects named.
    assert "History of science collection" in text
