"""A funded project's public page: a stable address from its reference (a new title keeps it),
what it shows (summary, institutions with ROR, programme, call, amount, dates, state, public
deliverables with their identifier's link and licence), 404 for what is not published; the list
of funded projects links to it and filters by state, institution and deliverable kind."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import translation

from .factories import CallFactory, ProgrammeFactory
from .published_projects import (
    FORM,
    deliverable,
    followed,
    funded_application,
    institution,
)
from .reading import visible_text

pytestmark = pytest.mark.django_db


def page_of(application, language="fr"):
    with translation.override(language):
        return reverse("opendata:project", args=[application.reference])


def list_page(client, **params):
    with translation.override("en"):
        return client.get(reverse("opendata:projects"), params)


@pytest.fixture
def published():
    """An announced funded project, running, carried by Strasbourg, with three deliverables of
    which one is private."""
    call = CallFactory(
        closed=True,
        questions=FORM,
        title_fr="Appel Herbiers",
        title_en="Herbaria call",
        programme=ProgrammeFactory(code="digitisation", title_fr="Numérisation enrichie"),
    )
    application = funded_application(
        call, title="Herbiers de Lamarck", summary="Numériser les planches.", amount="12500.50"
    )
    lead = institution("Muséum de Grenoble", "04v0snf24")
    application.team.filter(is_lead=True).update(institution=lead)
    project = followed(
        application,
        state="running",
        carrier=institution("Université de Strasbourg", "00pg6eq24"),
        signed_on=dt.date(2025, 9, 1),
        start_date=dt.date(2025, 10, 1),
        duration_months=24,
    )
    deliverable(
        project,
        kind="dataset",
        title="Planches numérisées",
        identifier_scheme="doi",
        identifier="10.5281/zenodo.1234567",
        licence="CC-BY-4.0",
    )
    deliverable(
        project,
        kind="software",
        title="Outil de transcription",
        identifier_scheme="url",
        identifier="",
        url="https://example.org/outil",
        licence="MIT",
    )
    deliverable(project, kind="publication", title="Brouillon interne", is_public=False)
    return application


def test_the_page_shows_what_the_open_data_publishes(client, published):
    response = client.get(page_of(published))
    text = html.unescape(visible_text(response))
    content = html.unescape(response.content.decode())

    assert response.status_code == 200
    assert response["Link"].endswith('rel="license"')
    assert "Herbiers de Lamarck" in text
    assert "Numériser les planches." in text
    assert "Muséum de Grenoble" in text and "Université de Strasbourg" in text
    assert 'href="https://ror.org/04v0snf24"' in content
    assert 'href="https://ror.org/00pg6eq24"' in content
    assert "Numérisation enrichie" in text
    assert "Appel Herbiers" in text
    assert "12 500,50" in text
    assert "1 octobre 2025" in text and "30 septembre 2027" in text
    assert "En cours" in text  # the state, translated
    assert 'href="https://doi.org/10.5281/zenodo.1234567"' in content
    assert "CC BY 4.0" in text
    assert 'href="https://example.org/outil"' in content and "MIT" in text
    assert "Brouillon interne" not in text


def test_the_page_reads_in_english(client, published):
    text = visible_text(client.get(page_of(published, "en")))

    assert "Running" in text
    assert "Herbaria call" in text
    assert "Oct. 1, 2025" in text


def test_a_licence_named_in_words_reads_in_the_page_language(client, published):
    deliverable(
        published.decision.project,
        kind="software",
        title="Chaîne de traitement",
        identifier_scheme="swhid",
        identifier="swh:1:dir:d198bc9d7a6bcf6db04f476d29314f157507d505",
        licence="GPL-3.0-or-later",
    )

    assert "GPL 3.0 ou ultérieure" in visible_text(client.get(page_of(published)))
    assert "GPL 3.0 or later" in visible_text(client.get(page_of(published, "en")))


def test_the_address_is_the_reference_and_a_new_title_keeps_it(client, published):
    address = page_of(published)
    assert address == f"/projets-finances/{published.reference}/"

    published.title = "Herbiers de Lamarck et de Candolle"
    published.save(update_fields=["title"])

    response = client.get(address)
    assert response.status_code == 200
    assert "Herbiers de Lamarck et de Candolle" in html.unescape(response.content.decode())


def test_a_project_announced_before_its_letter_has_no_state_yet(client):
    application = funded_application(title="Annoncé par sa date")

    text = visible_text(client.get(page_of(application, "en")))

    assert "Funding announced" in text
    assert "No public deliverable declared yet." in text


def test_what_is_not_published_is_not_found(client, published):
    unannounced = funded_application(title="Pas encore annoncé", announced=False)
    followed(unannounced)
    hidden_call = funded_application(CallFactory(closed=True, draft=True), title="Appel brouillon")
    rejected = funded_application(title="Refusé")
    rejected.decision.outcome = "rejected"
    rejected.decision.save(update_fields=["outcome"])

    for application in (unannounced, hidden_call, rejected):
        assert client.get(page_of(application)).status_code == 404
    short = f"/projets-finances/{published.call_id}-{published.pk}/"
    assert client.get(short).status_code == 404
    assert client.get("/projets-finances/pas-une-reference/").status_code == 404


def test_the_list_links_each_project_to_its_page(client, published):
    content = list_page(client).content.decode()

    assert f'href="{page_of(published, "en")}"' in content


@pytest.fixture
def three(published):
    closing = funded_application(title="Archives en clôture")
    followed(closing, state="closing", carrier=institution("Université de Lille"))
    announced = funded_application(title="Annoncé sans projet")
    announced.team.filter(is_lead=True).update(institution=institution("Université de Lille"))
    return published, closing, announced


def titles(response):
    text = html.unescape(response.content.decode())
    return {
        title
        for title in ("Herbiers de Lamarck", "Archives en clôture", "Annoncé sans projet")
        if title in text
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "running"}, {"Herbiers de Lamarck"}),
        ({"state": "closing"}, {"Archives en clôture"}),
        ({"deliverable": "dataset"}, {"Herbiers de Lamarck"}),
        ({"deliverable": "software"}, {"Herbiers de Lamarck"}),
        # Declared, but not public: it does not count.
        ({"deliverable": "publication"}, set()),
        ({}, {"Herbiers de Lamarck", "Archives en clôture", "Annoncé sans projet"}),
    ],
)
def test_the_list_filters_by_state_and_deliverable_kind(client, three, params, expected):
    assert titles(list_page(client, **params)) == expected


def test_the_list_filters_by_institution(client, three):
    lille = institution("Université de Lille")

    assert titles(list_page(client, institution=lille.pk)) == {"Annoncé sans projet"}


def test_the_files_follow_the_new_filters(client, three):
    with translation.override("en"):
        csv = client.get(reverse("opendata:projects_csv"), {"state": "closing"})
    text = csv.content.decode()

    assert "Archives en clôture" in text
    assert "Herbiers de Lamarck" not in text


@pytest.mark.parametrize("count", [1, 6])
def test_the_page_needs_a_fixed_number_of_queries(
    client, published, count, django_assert_num_queries
):
    project = published.decision.project
    for number in range(count):
        deliverable(project, title=f"Jeu {number}")
    client.get(page_of(published))  # the site's settings, created on the first request

    # The forms' summary questions, the project's row, its institutions, the names typed in,
    # its public deliverables; the base template's site and settings.
    with django_assert_num_queries(7):
        response = client.get(page_of(published))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 8])
def test_the_filtered_list_needs_a_fixed_number_of_queries(
    client, count, django_assert_num_queries
):
    for number in range(count):
        project = followed(funded_application(title=f"Projet {number}"), state="running")
        deliverable(project)
    list_page(client)

    # (the labelled collections of the filter: one query)
    with django_assert_num_queries(10):
        response = list_page(client, state="running", deliverable="dataset")
    assert f"{count} funded projects" in response.content.decode()


def test_the_list_and_the_page_show_the_state_and_the_amount_after_amendments(client, three):
    published, _closing, _announced = three
    project = published.decision.project
    project.amount_granted = "10000.00"  # money given back by an amendment
    project.save(update_fields=["amount_granted"])

    text = html.unescape(visible_text(list_page(client)))
    page = html.unescape(visible_text(client.get(page_of(published))))

    assert "Running" in text and "Closing" in text and "Funding announced" in text
    assert "€10,000" in text and "12,500.50" not in text
    assert "10 000" in page and "12 500,50" not in page
