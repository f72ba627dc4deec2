"""Each open data CSV file validates against its own Table Schema (schema.json, served beside it)
with frictionless, as data.gouv.fr's validata checks them; a broken row fails, so that these
tests can fail. Each schema describes itself and its fields as schema.data.gouv.fr's do."""

import datetime as dt

import pytest
from django.urls import reverse
from frictionless import Resource, Schema

from calls.models import Call

from .factories import CallFactory, collection_record, labelled_collection
from .published_projects import deliverable, followed, funded_application, institution

pytestmark = pytest.mark.django_db

FILES = {
    "projects": ("opendata:projects_csv", "opendata:schema"),
    "deliverables": ("opendata:deliverables_csv", "opendata:deliverables_schema"),
    "calls": ("opendata:calls_csv", "opendata:calls_schema"),
    "collections": ("opendata:collections_csv", "opendata:collections_schema"),
}


@pytest.fixture
def published():
    """Projects in every shape a row can take: followed with a schedule of several instalments,
    of one, announced before its letter; deliverables with and without an identifier."""
    running = funded_application(
        title="=Herbiers « Lamarck »", summary="Été ; hiver.", amount="12500.50"
    )
    running.team.filter(is_lead=True).update(institution=institution("BnF", "04v0snf24"))
    project = followed(
        running,
        carrier=institution("Université de Strasbourg", "00pg6eq24"),
        signed_on=dt.date(2025, 9, 1),
        start_date=dt.date(2025, 10, 1),
        duration_months=24,
        instalments=[(dt.date(2025, 10, 15), "6000.00"), (dt.date(2027, 3, 31), "6500.50")],
    )
    single = followed(
        funded_application(title="Un seul versement"),
        state="agreement_preparation",
        instalments=[(dt.date(2026, 1, 10), "8000.00")],
    )
    funded_application(CallFactory(closed=True, programme=None), title="Annoncé, sans projet")
    deliverable(project, title="-Planches", description="Numérisées, 300 dpi.")
    deliverable(
        project,
        kind="software",
        identifier_scheme="url",
        identifier="",
        url="https://example.org/outil",
    )
    deliverable(single, kind="corpus", identifier_scheme="hal", identifier="hal-01234567")
    CallFactory(title_fr="Appel ouvert", slug="appel-ouvert")
    sudoc = labelled_collection(links={"sudoc": "027051900", "bnf": "ark:/12148/cb11960787f"})
    reunion = labelled_collection(
        collection_record(
            name_en="",
            summary_en="",
            region="04",
            city="Saint-Denis",
            latitude="-20.901700",
            longitude="55.484700",
            size_linear_metres=None,
            languages=[],
            periods=["twentieth"],
            links={},
        ),
        decided_on=dt.date(2019, 3, 1),  # expired
    )
    running.collections_used.add(sudoc, reunion)  # a list in the projects' file
    return running


def download(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response


def validate(tmp_path, content, schema):
    (tmp_path / "data.csv").write_bytes(content)
    resource = Resource(
        path="data.csv", basepath=str(tmp_path), schema=Schema.from_descriptor(schema)
    )
    return resource.validate()


def problems(report):
    return report.flatten(["rowNumber", "fieldName", "type"])


@pytest.mark.parametrize("key", FILES)
def test_each_file_validates_against_its_schema(client, published, tmp_path, key):
    csv_name, schema_name = FILES[key]
    content = download(client, csv_name).content
    schema = download(client, schema_name).json()

    report = validate(tmp_path, content, schema)

    assert report.valid, problems(report)
    rows = report.tasks[0].stats["rows"]
    published_calls = Call.objects.published().count()  # the factories make a call a project
    expected = {"projects": 3, "deliverables": 3, "calls": published_calls, "collections": 2}
    assert rows == expected[key]
    header = content.decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    assert header == [field["name"] for field in schema["fields"]]


def test_a_broken_row_fails_validation(client, published, tmp_path):
    content = download(client, "opendata:projects_csv").content.decode("utf-8")
    schema = download(client, "opendata:schema").json()
    broken = content.replace("12500.50", "douze mille", 1).replace(",running,", ",en-cours,", 1)

    report = validate(tmp_path, broken.encode("utf-8"), schema)

    assert not report.valid
    assert {(field, kind) for _row, field, kind in problems(report)} == {
        ("amount_granted", "type-error"),
        ("state", "constraint-error"),
    }


def test_a_collection_row_outside_its_vocabularies_fails_validation(client, published, tmp_path):
    content = download(client, "opendata:collections_csv").content.decode("utf-8")
    schema = download(client, "opendata:collections_schema").json()
    broken = content.replace("manuscripts;printed", "manuscripts;parchemins", 1)
    broken = broken.replace(",expired\r\n", ",périmé\r\n", 1)

    report = validate(tmp_path, broken.encode("utf-8"), schema)

    assert not report.valid
    assert {(field, kind) for _row, field, kind in problems(report)} == {
        ("materials", "constraint-error"),
        ("state", "constraint-error"),
    }


def test_the_rows_carry_the_project_its_dates_and_payment_conditions(client, published):
    text = download(client, "opendata:projects_csv").content.decode("utf-8-sig")
    rows = {line.split(",")[0]: line for line in text.split("\r\n")[1:] if line}

    row = rows[published.reference]
    assert ",running,2025-09-01,2025-10-01,2027-09-30," in row
    assert ",Université de Strasbourg,00pg6eq24,instalments,2025-10-15/2027-03-31" in row
    assert any(",single,2026-01-10" in line for line in rows.values())


@pytest.mark.parametrize("key", FILES)
def test_each_schema_describes_itself_and_its_fields(client, key):
    csv_name, schema_name = FILES[key]
    response = download(client, schema_name)
    schema = response.json()

    assert response["Content-Type"] == "application/json"
    assert schema["path"] == "http://testserver" + reverse(schema_name)
    assert schema["$schema"] == "https://frictionlessdata.io/schemas/table-schema.json"
    for name in ("name", "title", "description", "version", "homepage", "created"):
        assert schema[name]
    assert schema["licenses"][0]["path"].startswith("https://www.etalab.gouv.fr/licence-ouverte")
    assert schema["contributors"] == [{"title": "CollEx-Persée", "role": "author"}]
    for field in schema["fields"]:
        assert {"name", "title", "description", "type", "example", "constraints"} <= set(field)
        assert field["example"], field["name"]
    # An example file, as schema.data.gouv.fr lists it: the published file itself.
    assert [resource["path"] for resource in schema["resources"]] == [
        "http://testserver" + reverse(csv_name)
    ]
    assert schema["resources"][0]["title"]
    assert Schema.validate_descriptor(schema).valid  # frictionless reads it, examples included


def test_the_projects_schema_names_the_scdl_subventions_fields(client):
    schema = download(client, "opendata:schema").json()
    descriptions = " ".join(field["description"] for field in schema["fields"])

    for scdl in ("nomAttribuant", "dateConvention", "nomBeneficiaire", "montant"):
        assert scdl in descriptions
    assert "conditionsVersement" in descriptions and "datesPeriodeVersement" in descriptions
    # The schema's own description maps each SCDL field, those it has no column for included.
    for scdl in (
        "nomAttribuant",
        "idAttribuant",
        "dateConvention",
        "nomBeneficiaire",
        "idBeneficiaire",
        "montant",
        "nature",
        "conditionsVersement",
    ):
        assert scdl in schema["description"]
    assert "single = « unique »" in schema["description"]
    assert "instalments = « échelonné »" in schema["description"]


@pytest.mark.parametrize("count", [1, 6])
def test_the_calls_file_needs_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    for number in range(count):
        CallFactory(slug=f"appel-{number}")

    with django_assert_num_queries(1):
        content = client.get(reverse("opendata:calls_csv")).content
    assert len(content.decode("utf-8-sig").strip().split("\r\n")) == count + 1
