"""The funded projects and the labelled collections they worked on: the page, its files and the
API filter by a collection's published code (CX0042), its number still read (the page's select
sends it); each row names its collections' codes, ";"-separated, in the CSV, the JSON and the
API, as the Table Schema describes."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from .factories import labelled_collection
from .published_projects import funded_application
from .reading import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def used():
    first = labelled_collection(name_fr="Fonds des herbiers", name_en="")
    second = labelled_collection(name_fr="Fonds des cartes", name_en="")
    both = funded_application(title="Herbiers et cartes")
    unannounced = labelled_collection(name_fr="Fonds pas encore annoncé", announced=False)
    both.collections_used.add(second, first, unannounced)
    funded_application(title="Projet sans collection")
    return {"first": first, "second": second, "both": both}


def csv_rows(client, **params):
    response = client.get(reverse("opendata:projects_csv"), params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_page_its_files_and_the_api_filter_by_the_collections_code(client, used):
    code = used["first"].code
    assert code.startswith("CX")
    with translation.override("en"):
        text = visible_text(client.get(reverse("opendata:projects"), {"collection": code}))
    assert "1 funded project" in text and "Herbiers et cartes" in text
    assert "Projet sans collection" not in text
    assert [row["title"] for row in csv_rows(client, collection=code)] == ["Herbiers et cartes"]
    assert [row["title"] for row in csv_rows(client, collection=code.lower())] == [
        "Herbiers et cartes"
    ]
    api = client.get(reverse("api:project-list"), {"collection": code}).json()
    assert [project["title"] for project in api["results"]] == ["Herbiers et cartes"]
    # The number the page's select sends still works.
    by_number = csv_rows(client, collection=used["first"].pk)
    assert [row["title"] for row in by_number] == ["Herbiers et cartes"]


def test_an_unknown_or_mistyped_code_is_refused(client, used):
    for value in ("CX99999", "collection"):
        response = client.get(reverse("api:project-list"), {"collection": value})
        assert response.status_code == 400, value


def test_each_row_names_its_public_collections_codes(client, used):
    codes = ";".join(sorted((used["first"].code, used["second"].code)))
    rows = {row["title"]: row for row in csv_rows(client)}
    assert rows["Herbiers et cartes"]["collections"] == codes
    assert rows["Projet sans collection"]["collections"] == ""
    document = client.get(reverse("opendata:projects_json")).json()
    found = {project["title"]: project for project in document["results"]}
    assert found["Herbiers et cartes"]["collections"] == codes
    assert found["Projet sans collection"]["collections"] is None
    api = client.get(reverse("api:project-list")).json()
    assert {p["title"]: p["collections"] for p in api["results"]} == {
        "Herbiers et cartes": codes,
        "Projet sans collection": None,
    }
    schema = client.get(reverse("opendata:schema")).json()
    column = next(field for field in schema["fields"] if field["name"] == "collections")
    assert column["example"] == "CX0007;CX0042"
