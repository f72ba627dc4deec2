"""Staff's registry of labelled collections (issue 19): every collection with its institution,
region, label's end and state, filtered and paginated at a fixed cost; a collection's page with
staff's powers (edit at any time, the lapsed ones too, and read every change); nobody else."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from labels import views_staff
from labels.forms import RecordForm
from labels.models import RecordVersion
from labels.records import record_of

from .factories import InstitutionFactory, UserFactory, labelled_collection
from .reading import visible_text as tagless

english = pytest.mark.usefixtures("in_english")
LONG_AGO = {"decided_on": dt.date(2020, 1, 15), "months": 24}
# Collections overseas, with coordinates in their region (the record's form checks them).
REUNION = {"region": "04", "latitude": "-20.8821", "longitude": "55.4507"}
GUADELOUPE = {"region": "01", "latitude": "16.2411", "longitude": "-61.5331"}


def visible_text(response):
    return html.unescape(tagless(response))


def registry():
    return reverse("labels_staff:registry")


@pytest.fixture
def staff_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


@english
def test_the_registry_lists_every_collection_with_its_state(staff_client):
    labelled_collection(name_fr="Fonds durable", name_en="")
    labelled_collection(name_fr="Fonds bientôt", name_en="", months=3)
    labelled_collection(name_fr="Fonds échu", name_en="", **REUNION, **LONG_AGO)
    text = visible_text(staff_client.get(registry()))
    assert "3 collections" in text
    assert "Fonds durable" in text and "Labelled" in text
    assert "Fonds bientôt" in text and "Label ending soon" in text
    assert "Réunion" in text and "La Réunion" not in text and "Label expired" in text


@english
def test_the_filters_keep_a_state_a_region_an_institution(staff_client):
    elsewhere = InstitutionFactory(name="Université des Antilles")
    labelled_collection(name_fr="Fonds durable", name_en="")
    labelled_collection(name_fr="Fonds échu", name_en="", **REUNION, **LONG_AGO)
    labelled_collection(name_fr="Fonds créole", name_en="", institution=elsewhere, **GUADELOUPE)
    expired = visible_text(staff_client.get(registry(), {"state": "expired"}))
    assert "Fonds échu" in expired and "Fonds durable" not in expired
    region = visible_text(staff_client.get(registry(), {"region": "01"}))
    assert "Fonds créole" in region and "Fonds échu" not in region
    by_institution = visible_text(staff_client.get(registry(), {"institution": elsewhere.pk}))
    assert "Fonds créole" in by_institution and "Fonds durable" not in by_institution
    assert "No collection matches." in visible_text(
        staff_client.get(registry(), {"state": "ending_soon"})
    )


@english
def test_a_mistyped_filter_is_said_beside_its_field_and_the_valid_ones_apply(staff_client):
    labelled_collection(name_fr="Fonds durable", name_en="")
    labelled_collection(name_fr="Fonds créole", name_en="", **GUADELOUPE)
    response = staff_client.get(registry(), {"state": "gone", "region": "01"})
    text = visible_text(response)
    assert "Select a valid choice. gone is not one of the available choices." in text
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Fonds créole" in text and "Fonds durable" not in text


@english
def test_the_registry_is_paginated(staff_client, monkeypatch):
    monkeypatch.setattr(views_staff, "PER_PAGE", 2)
    for name in ("Fonds A", "Fonds B", "Fonds C"):
        labelled_collection(name_fr=name, name_en="")
    first = visible_text(staff_client.get(registry()))
    assert "Fonds A" in first and "Fonds C" not in first and "Next page" in first
    assert "Fonds C" in visible_text(staff_client.get(registry(), {"page": 2}))


@pytest.mark.parametrize("count", [2, 6])
def test_the_registry_costs_the_same_whatever_the_number_of_collections(
    staff_client, count, django_assert_num_queries
):
    for number in range(count):
        labelled_collection(name_fr=f"Fonds {number}", **({} if number % 2 else REUNION))
    staff_client.get(registry())
    with django_assert_num_queries(10):
        response = staff_client.get(registry(), {"state": "labelled"})
    assert response.content.decode().count("label-state") == count


# Marked: its only database fixtures come through getfixturevalue, which pytest-django does not
# see when it puts the transactional tests (which empty the roles' groups) before the others.
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["applicant", "reviewer", "council_member"])
def test_nobody_else_opens_the_registry_or_its_pages(client, persona, request):
    collection = labelled_collection(lead=request.getfixturevalue("applicant"))
    client.force_login(request.getfixturevalue(persona))
    assert client.get(registry()).status_code == 404
    page = reverse("labels_staff:collection", args=[collection.pk])
    assert client.get(page).status_code == 404


@english
def test_staff_edit_a_lapsed_record_and_read_who_changed_what(staff_client, programme_manager):
    holder = UserFactory(first_name="Hélène", last_name="Gardienne")
    collection = labelled_collection(lead=holder, **LONG_AGO)
    page = reverse("labels_staff:collection", args=[collection.pk])
    data = {**RecordForm.data_of(record_of(collection)), "service": "Réserve", "version": "1"}
    assert staff_client.post(page, data).status_code == 302
    version = RecordVersion.objects.get(collection=collection, number=2)
    assert version.source == "staff" and version.author == programme_manager
    text = visible_text(staff_client.get(page))
    assert "Registry of labelled collections" in text  # the breadcrumb
    assert "Version 2 – Staff edit" in text and "Bibliothèque universitaire Réserve" in text
    assert "Label expired" in text and "Save the record" in text


def test_the_management_page_leads_staff_to_the_registry(staff_client):
    assert registry() in staff_client.get(reverse("reviews:management")).content.decode()
