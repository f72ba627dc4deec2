"""A labelled collection is public once its decision is announced, as a funded project is: its
labelled letter sent, or the publication date staff set has come (Paris). Recording the
decision publishes nothing: not the directory, the page, the map, the open data, the API, the
applicants' picker, nor the holders' own pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.roles import Role
from applications.collections import choices
from calls.models import CallKind
from decisions import services
from decisions.letters import send_letter
from decisions.models import Outcome
from labels.my_page import my_collections_section
from labels.status import paris_today

from .factories import ApplicationFactory, CallFactory, UserFactory, collection_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

NAME = "Fonds annoncé ou non"


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.PROGRAMME_MANAGER])


@pytest.fixture
def application(staff):
    call = CallFactory(
        closed=True,
        kind=CallKind.LABEL,
        label_duration_months=60,
        envelope=Decimal("0"),
        max_amount=Decimal("0"),
    )
    application = ApplicationFactory(
        call=call, eligible=True, collection_record=collection_record(name_fr=NAME, name_en=NAME)
    )
    services.record_decision(
        application,
        staff,
        outcome=Outcome.LABELLED,
        meeting_date=paris_today() - dt.timedelta(days=3),
        motivation="Collection d'intérêt national.",
    )
    application.refresh_from_db()
    return application


def seen_by_the_public(client, collection):
    """Where the public finds the collection: its page, the directory, the map's data, the
    open data files and the API."""
    cache.clear()
    return {
        "page": client.get(collection.get_absolute_url()).status_code == 200,
        "directory": NAME in client.get(reverse("labels:directory")).content.decode(),
        "map": NAME in client.get(reverse("labels:map_data")).content.decode(),
        "csv": NAME in client.get(reverse("opendata:collections_csv")).content.decode("utf-8-sig"),
        "json": NAME in client.get(reverse("opendata:collections_json")).content.decode(),
        "api": NAME in client.get("/api/v1/collections/").content.decode(),
        "api_page": client.get(f"/api/v1/collections/{collection.code}/").status_code == 200,
    }


NOWHERE = dict.fromkeys(("page", "directory", "map", "csv", "json", "api", "api_page"), False)
EVERYWHERE = dict.fromkeys(NOWHERE, True)


def test_a_labelled_decision_without_letter_or_date_publishes_nothing(client, application):
    collection = application.collection
    assert seen_by_the_public(client, collection) == NOWHERE
    # Nor its holding institution among the directory's choices.
    directory = client.get(reverse("labels:directory")).content.decode()
    assert collection.institution.name not in directory
    other = ApplicationFactory(call__asks_for_collections=True)
    assert collection not in choices(other)
    assert my_collections_section(application.lead) is None
    client.force_login(application.lead)
    page = reverse("labels_holders:collection", args=[collection.pk])
    assert client.get(page).status_code == 404


def test_the_labelled_letter_makes_the_collection_public(client, staff, application):
    send_letter(application.decision, staff)
    collection = application.collection
    assert seen_by_the_public(client, collection) == EVERYWHERE
    directory = client.get(reverse("labels:directory")).content.decode()
    assert collection.institution.name in directory
    other = ApplicationFactory(call__asks_for_collections=True)
    assert collection in choices(other)
    assert my_collections_section(application.lead) is not None
    client.force_login(application.lead)
    page = reverse("labels_holders:collection", args=[collection.pk])
    assert client.get(page).status_code == 200


def test_a_publication_date_to_come_publishes_nothing_yet(client, staff, application):
    tomorrow = paris_today() + dt.timedelta(days=1)
    services.set_publication_date(application, staff, tomorrow)
    assert seen_by_the_public(client, application.collection) == NOWHERE


def test_a_publication_date_that_has_come_publishes_the_collection(client, staff, application):
    services.set_publication_date(application, staff, paris_today())
    assert seen_by_the_public(client, application.collection) == EVERYWHERE
    services.set_publication_date(application, staff, None)
    assert seen_by_the_public(client, application.collection) == NOWHERE


def test_staff_see_the_publication_form_on_a_labelled_decision(client, staff, application):
    client.force_login(staff)
    response = client.get(reverse("decisions:application", args=[application.pk]))
    content = response.content.decode()
    assert "Publication of the labelled collection" in content
    assert "Not public yet: once its letter is sent." in content
    send_letter(application.decision, staff)
    content = client.get(reverse("decisions:application", args=[application.pk])).content
    assert "Published: its letter was sent" in content.decode()
