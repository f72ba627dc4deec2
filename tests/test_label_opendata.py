"""The registry of labelled collections as open data: its CSV file (validated against its Table
Schema by tests/test_opendata_schema.py), its JSON file and /api/v1/collections/ give the same
rows, expired labels included, and no personal data; each needs a fixed number of queries."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Discipline, Institution
from common.months import add_months
from labels.models import Collection, CollectionTerm, Facet, code_of
from labels.status import paris_today
from reports.opendata_registry import COLUMNS

from .factories import UserFactory, announced_periods, collection_record, labelled_collection

pytestmark = pytest.mark.django_db

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


@pytest.fixture
def registry():
    """A collection labelled today, one overseas whose label ends in three months, one whose
    label expired, with their leads (whose names must never be published)."""
    sorbonne = Institution.objects.create(name="Sorbonne Université", ror="02en5vm52")
    antilles = Institution.objects.create(name="Université des Antilles")
    lead = UserFactory(first_name="Paule", last_name="Porteuse", email="paule@example.org")
    today = paris_today()
    current = labelled_collection(
        collection_record(sorbonne, name_fr="=Fonds « Lamarck »", links={"sudoc": "027051900"}),
        lead=lead,
    )
    overseas = labelled_collection(
        collection_record(
            antilles,
            name_fr="Fonds caribéen",
            name_en="",
            city="Schœlcher",
            postcode="97233",
            region="02",
            latitude="14.614700",
            longitude="-61.100500",
            languages=["fr", "cpf"],
            size_linear_metres=None,
            links={},
        ),
        lead=UserFactory(email="caraibes@example.org"),
        decided_on=add_months(today, -57),
    )
    expired = labelled_collection(
        collection_record(sorbonne, name_fr="Fonds ancien", latitude=None, longitude=None),
        lead=UserFactory(email="ancien@example.org"),
        decided_on=add_months(today, -61),
    )
    return {"current": current, "overseas": overseas, "expired": expired}


def csv_rows(client):
    response = client.get(reverse("opendata:collections_csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return response, list(csv.DictReader(io.StringIO(text)))


def test_the_csv_file_has_every_collection_with_its_state_and_lists(client, registry):
    response, rows = csv_rows(client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert "labelled-collections-" in response["Content-Disposition"]
    assert list(rows[0]) == list(COLUMNS)
    by_code = {row["code"]: row for row in rows}
    current, overseas, expired = (registry[key] for key in ("current", "overseas", "expired"))
    assert set(by_code) == {current.code, overseas.code, expired.code}
    assert [by_code[c.code]["state"] for c in (current, overseas, expired)] == [
        "labelled",
        "ending_soon",
        "expired",
    ]
    row = by_code[current.code]
    assert row["name_fr"] == "'=Fonds « Lamarck »"  # a formula is neutralised
    assert row["page_url"] == "http://testserver" + reverse("labels:collection", args=[current.pk])
    assert row["institution"] == "Sorbonne Université"
    assert row["institution_ror"] == "02en5vm52"
    assert row["materials"] == "manuscripts;printed"
    assert row["periods"] == "early_modern;nineteenth"
    assert row["disciplines"] == "histoire"
    assert (row["discipline_names_fr"], row["discipline_names_en"]) == ("Histoire", "History")
    assert row["link_sudoc"] == "027051900" and row["link_calames"] == ""
    assert (row["region"], row["region_name"]) == ("11", "Île-de-France")
    assert (row["latitude"], row["longitude"]) == ("48.848400", "2.343100")
    assert row["labelled_since"] == paris_today().isoformat()
    assert row["valid_until"] == current.expires_on.isoformat()
    assert by_code[overseas.code]["region_name"] == "Martinique"
    assert by_code[overseas.code]["languages"] == "cpf;fr"
    assert by_code[expired.code]["latitude"] == ""


def test_no_personal_data_in_the_files_nor_the_api(client, registry):
    published = [
        client.get(reverse("opendata:collections_csv")).content.decode("utf-8-sig"),
        client.get(reverse("opendata:collections_json")).content.decode(),
        client.get("/api/v1/collections/").content.decode(),
        client.get(f"/api/v1/collections/{registry['current'].code}/").content.decode(),
    ]

    for text in published:
        for secret in ("Paule", "Porteuse", "@example.org", "holder", "author"):
            assert secret not in text


def test_the_json_file_and_the_api_give_the_csv_rows_with_lists_as_arrays(client, registry):
    document = client.get(reverse("opendata:collections_json")).json()
    api = client.get("/api/v1/collections/").json()
    _response, rows = csv_rows(client)

    assert document["licence"]["spdx"] == "etalab-2.0"
    assert document["publisher"] == "CollEx-Persée"
    assert document["count"] == api["count"] == len(rows) == 3
    assert api["licence"] == document["licence"]
    assert api["results"] == document["results"]
    first = document["results"][0]
    assert list(first) == list(COLUMNS)
    assert first["materials"] == ["manuscripts", "printed"]
    assert first["size_volumes"] == 15000
    for row, result in zip(rows, document["results"], strict=True):
        assert row["code"] == result["code"]
        assert row["materials"] == ";".join(result["materials"])


def test_a_collection_is_read_by_its_code_and_other_codes_answer_404(client, registry):
    current = registry["current"]

    found = client.get(f"/api/v1/collections/{current.code}/")
    assert found.status_code == 200
    assert found.json()["name_fr"] == "=Fonds « Lamarck »"  # JSON needs no neutralising
    assert found["Link"] == f'<{LICENCE_URL}>; rel="license"'
    # A number that no collection has yet, whatever the database's sequence is at.
    unused = Collection.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    assert client.get(f"/api/v1/collections/{code_of(unused)}/").status_code == 404
    assert client.get(f"/api/v1/collections/{current.pk}/").status_code == 404
    assert client.post("/api/v1/collections/", {}).status_code == 405


def test_the_addresses_read_in_french_and_in_english():
    assert reverse("opendata:collections_csv") == "/collections-labellisees.csv"
    with translation.override("en"):
        assert reverse("opendata:collections_json") == "/en/labelled-collections.json"


def test_the_open_data_page_lists_the_registrys_files(client):
    with translation.override("en"):
        page = client.get(reverse("opendata:projects")).content.decode()
        for name in ("collections_csv", "collections_json", "collections_schema"):
            assert f'href="{reverse("opendata:" + name)}"' in page
    assert "Labelled collections (CSV)" in page


def many_collections(count):
    """`count` collections made cheaply through the models (bulk), spread over the regions, each
    with a discipline and three terms: for query counts only."""
    institution = Institution.objects.create(name="Université de Strasbourg")
    discipline = Discipline.objects.create(code="histoire", name_fr="Histoire")
    today = paris_today()
    collections = Collection.objects.bulk_create(
        Collection(
            name_fr=f"Fonds {number}",
            summary_fr="Imprimés anciens.",
            institution=institution,
            city="Strasbourg",
            region=["44", "11", "04"][number % 3],
            latitude="48.583100",
            longitude="7.745800",
            labelled_since=today - dt.timedelta(days=number),
            expires_on=today + dt.timedelta(days=1000 - number),
        )
        for number in range(count)
    )
    Collection.disciplines.through.objects.bulk_create(
        Collection.disciplines.through(collection_id=c.pk, discipline_id=discipline.pk)
        for c in collections
    )
    CollectionTerm.objects.bulk_create(
        CollectionTerm(collection_id=c.pk, facet=facet, code=code)
        for c in collections
        for facet, code in (
            (Facet.MATERIAL, "printed"),
            (Facet.LANGUAGE, "fr"),
            (Facet.PERIOD, "nineteenth"),
        )
    )
    announced_periods(collections)


@pytest.mark.parametrize("count", [20, 2000])
def test_the_files_and_the_api_need_a_fixed_number_of_queries(
    client, count, django_assert_num_queries
):
    many_collections(count)

    # The collections with their institution, their disciplines, their terms.
    with django_assert_num_queries(3):
        csv_file = client.get(reverse("opendata:collections_csv"))
    # The same, and the network's name.
    with django_assert_num_queries(4):
        json_file = client.get(reverse("opendata:collections_json"))
    # The count, a page of collections, their disciplines, their terms.
    with django_assert_num_queries(4):
        api = client.get("/api/v1/collections/", {"page_size": 500})

    assert csv_file.content.decode("utf-8-sig").count("\r\n") == count + 1
    assert json_file.json()["count"] == api.json()["count"] == count
    assert len(api.json()["results"]) == min(count, 500)
