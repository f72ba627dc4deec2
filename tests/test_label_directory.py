"""The public directory of labelled collections: anyone finds them by discipline, kind of
material, period, region, holding institution, label state and name, in French and English, page
by page; the query count does not grow with the registry; no holder is ever named."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from labels.models import Collection, CollectionTerm, Facet
from labels.status import paris_today

from .factories import (
    DisciplineFactory,
    InstitutionFactory,
    UserFactory,
    announced_periods,
    collection_record,
    labelled_collection,
)
from .reading import visible_text

pytestmark = pytest.mark.django_db


def directory(client, language="fr", **params):
    with translation.override(language):
        return client.get(reverse("labels:directory"), params)


def names_in(response):
    """The names of the collections the list shows, in order."""
    return [c.name for c in response.context["page"].object_list]


def collection(name, **changes):
    return labelled_collection(name_fr=name, name_en=f"{name} (en)", **changes)


@pytest.fixture
def three():
    """Three collections that differ in every filtered fact."""
    DisciplineFactory(code="geographie", name_fr="Géographie", name_en="Geography")
    DisciplineFactory(code="musique", name_fr="Musicologie", name_en="Musicology")
    lyon = InstitutionFactory(name="Bibliothèque municipale de Lyon")
    return {
        "maps": collection(
            "Cartes marines",
            disciplines=["geographie"],
            materials=["maps"],
            periods=["antiquity"],
            region="53",
            city="Brest",
        ),
        "music": collection(
            "Partitions anciennes",
            disciplines=["musique"],
            materials=["music"],
            periods=["nineteenth"],
            region="84",
            city="Lyon",
            institution=lyon,
        ),
        "history": collection("Fonds d'histoire des sciences"),
    }


def test_the_directory_lists_each_collection_with_its_facts(client, three):
    response = directory(client)
    assert response.status_code == 200
    text = visible_text(response)
    assert "3 collections labellisées" in text
    assert "Bibliothèque municipale de Lyon – Lyon, Auvergne-Rhône-Alpes" in text
    assert "Partitions" in text
    assert "Cartes marines" in text
    assert text.count("Labellisée") >= 3


def test_the_directory_reads_in_english_with_english_names(client, three):
    text = visible_text(directory(client, "en"))
    assert "3 labelled collections" in text
    assert "Cartes marines (en)" in text
    assert "Sheet music" in text
    assert "Labelled" in text


def test_its_address_reads_in_french_and_in_english():
    with translation.override("fr"):
        assert reverse("labels:directory") == "/collections-labellisees/"
    with translation.override("en"):
        assert reverse("labels:directory") == "/en/labelled-collections/"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"discipline": "geographie"}, ["Cartes marines"]),
        ({"material": "music"}, ["Partitions anciennes"]),
        ({"material": "manuscripts"}, ["Fonds d'histoire des sciences"]),
        ({"period": "antiquity"}, ["Cartes marines"]),
        ({"period": "nineteenth"}, ["Fonds d'histoire des sciences", "Partitions anciennes"]),
        ({"region": "84"}, ["Partitions anciennes"]),
        ({"q": "marines"}, ["Cartes marines"]),
        ({"q": "anciennes (en)"}, ["Partitions anciennes"]),
        ({"q": "nulle part"}, []),
    ],
)
def test_each_filter_narrows_the_list(client, three, params, expected):
    assert names_in(directory(client, **params)) == expected


def test_the_holding_institution_filter(client, three):
    lyon = three["music"].institution
    assert names_in(directory(client, institution=lyon.pk)) == ["Partitions anciennes"]


def test_the_label_state_filter_and_the_expired_badge(client):
    today = paris_today()
    collection("Label en cours")
    collection("Label finissant", decided_on=today - dt.timedelta(days=40 * 30), months=44)
    collection("Label échu", decided_on=today - dt.timedelta(days=3 * 365), months=12)

    everything = directory(client)
    assert names_in(everything) == ["Label en cours", "Label finissant", "Label échu"]
    assert "Label expiré" in visible_text(everything)
    assert names_in(directory(client, label="in_force")) == ["Label en cours", "Label finissant"]
    assert names_in(directory(client, label="ending_soon")) == ["Label finissant"]
    assert names_in(directory(client, label="expired")) == ["Label échu"]


def test_a_mistyped_filter_is_said_beside_its_field_and_matches_nothing(client, three):
    response = directory(client, "en", material="gold", region="84")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Select a valid choice" in text
    assert 'aria-invalid="true"' in response.content.decode()
    # Not every collection as if it matched: none, as the map's data (a 400) says.
    assert names_in(response) == []
    assert "0 labelled collections" in text
    assert "No labelled collection matches these filters." in text
    assert 'class="map-marker' not in response.content.decode()


def test_regions_read_in_the_pages_language_sorted_by_their_name(client, three):
    def regions(language):
        content = directory(client, language).content.decode()
        select = re.search(r'<select name="region".*?</select>', content, re.S).group(0)
        return [html.unescape(name) for name in re.findall(r'<option value="\d+">(.*?)<', select)]

    english = regions("en")
    assert english.index("Brittany") < english.index("Corsica") < english.index("French Guiana")
    assert english.index("French Polynesia") < english.index("Île-de-France")
    assert english.index("Île-de-France") < english.index("New Caledonia")
    assert english.index("Normandy") < english.index("Réunion")
    french = regions("fr")
    assert french.index("Hauts-de-France") < french.index("Île-de-France")
    assert french.index("Île-de-France") < french.index("La Réunion") < french.index("Martinique")
    assert "Bretagne" in french and "Nouvelle-Calédonie" in french
    text = visible_text(directory(client, "en"))
    assert "Brest, Brittany" in text


def test_the_list_is_paginated_by_twenty(client):
    institution = InstitutionFactory()
    record = collection_record(institution=institution)
    many(25, record)
    first, second = directory(client), directory(client, page=2)
    assert len(names_in(first)) == 20
    assert len(names_in(second)) == 5
    # The map shows every collection found, not only the page's.
    assert first.content.decode().count('class="map-marker') == 25


def test_no_holder_is_named_on_the_directory(client):
    holder = UserFactory(
        first_name="Hortense", last_name="Détentrice", email="hortense@example.org"
    )
    labelled_collection(lead=holder)
    content = directory(client).content.decode()
    for secret in ("Hortense", "Détentrice", "hortense@example.org"):
        assert secret not in content


def many(count, record):
    """`count` collections made cheaply through the models (not the label service), each with a
    discipline and two terms: what the directory reads of them."""
    today = paris_today()
    made = Collection.objects.bulk_create(
        Collection(
            name_fr=f"Collection {number:04d}",
            summary_fr="Fonds.",
            institution_id=record["institution"],
            city="Paris",
            region="11" if number % 2 else "04",
            latitude="48.85" if number % 2 else "-21.0",
            longitude="2.35" if number % 2 else "55.5",
            labelled_since=today,
            expires_on=today + dt.timedelta(days=900 if number % 3 else -1),
        )
        for number in range(count)
    )
    discipline = DisciplineFactory(code="histoire")
    Collection.disciplines.through.objects.bulk_create(
        Collection.disciplines.through(collection=c, discipline=discipline) for c in made
    )
    CollectionTerm.objects.bulk_create(
        CollectionTerm(collection=c, facet=facet, code=code)
        for c in made
        for facet, code in ((Facet.MATERIAL, "printed"), (Facet.PERIOD, "nineteenth"))
    )
    announced_periods(made)
    return made


@pytest.mark.parametrize("count", [20, 2000])
def test_the_directory_needs_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    many(count, collection_record())
    # The count, the page of collections, its disciplines and terms, the map's points; the base
    # template's site and its settings (created on the first request, in a savepoint); the
    # disciplines and institutions of the filters.
    with django_assert_num_queries(12):
        response = directory(client, material="printed", label="in_force")
    assert response.status_code == 200
