"""The read-only open data API (/api/v1/): calls, funded projects, and its OpenAPI description."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from openapi_spec_validator import validate

from accounts.models import Institution
from calls.models import CallKind
from decisions.budget import call_year
from reports.opendata import COLUMNS
from reports.opendata_registry_schema import COLLECTIONS
from reports.opendata_schema import DELIVERABLES

from .factories import CallFactory, ProgrammeFactory, UserFactory, decided_application

pytestmark = pytest.mark.django_db

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
SUMMARY_ID = "5d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
FORM = [
    {
        "type": "long_text",
        "value": {"label": "Résumé", "label_en": "Summary", "help_text": "", "required": True},
        "id": SUMMARY_ID,
    }
]
CALL_FIELDS = [
    "slug",
    "title_fr",
    "title_en",
    "kind",
    "programme",
    "opens_at",
    "closes_at",
    "phase",
    "envelope",
    "max_amount",
    "url",
]


def funded(call, title="Projet financé", amount="8000.00", institution=None, summary=""):
    application = decided_application(
        call,
        "funded",
        amount=Decimal(amount),
        application={"title": title, "answers": {SUMMARY_ID: summary}},
        publication_date=dt.date(2020, 1, 1),  # long past: the project is public
    )
    if institution:
        application.team.filter(is_lead=True).update(institution=institution)
    return application


def closed_call(**kwargs):
    return CallFactory(closed=True, questions=FORM, **kwargs)


# Calls


def test_the_calls_are_listed_with_their_fields_in_utc_and_their_amounts_as_decimals(client):
    programme = ProgrammeFactory(code="digitisation")
    closes_at = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)  # noon in Paris
    call = CallFactory(
        slug="corpus-2026",
        title_fr="Corpus numérisés",
        title_en="Digitised corpora",
        programme=programme,
        opens_at=closes_at - dt.timedelta(days=60),
        closes_at=closes_at,
        envelope=Decimal("400000.00"),
        max_amount=Decimal("60000.50"),
    )
    CallFactory(draft=True, slug="brouillon")

    response = client.get("/api/v1/calls/")
    data = response.json()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["licence"]["url"] == LICENCE_URL
    assert data["count"] == 1
    item = data["results"][0]
    assert list(item) == CALL_FIELDS
    assert item == {
        "slug": "corpus-2026",
        "title_fr": "Corpus numérisés",
        "title_en": "Digitised corpora",
        "kind": "projects",
        "programme": "digitisation",
        "opens_at": "2026-01-01T11:00:00Z",
        "closes_at": "2026-03-02T11:00:00Z",
        "phase": call.phase.value,
        "envelope": "400000.00",
        "max_amount": "60000.50",
        "url": "http://testserver/appels/corpus-2026/",
    }


def test_a_call_is_read_by_its_slug_and_unknown_or_unpublished_ones_answer_404(client):
    CallFactory(slug="ouvert", programme=None)
    CallFactory(slug="brouillon", draft=True)

    found = client.get(reverse("api:call-detail", kwargs={"slug": "ouvert"}))

    assert found.status_code == 200
    assert found.json()["phase"] == "open"
    assert found.json()["programme"] is None
    assert client.get("/api/v1/calls/brouillon/").status_code == 404
    assert client.get("/api/v1/calls/inconnu/").status_code == 404


def test_the_answers_do_not_depend_on_the_visitors_language(client):
    CallFactory(slug="corpus")

    french = client.get("/api/v1/calls/corpus/").json()
    english = client.get("/api/v1/calls/corpus/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert french == english


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "residency"}, ["residence"]),
        ({"programme": "archives"}, ["archives"]),
        ({"phase": "upcoming"}, ["a-venir"]),
        ({"year": "2024"}, ["archives"]),
    ],
)
def test_calls_are_filtered_like_the_list_of_calls(client, params, expected):
    closes_2024 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    CallFactory(slug="residence", kind=CallKind.RESIDENCY)
    CallFactory(
        slug="archives",
        programme=ProgrammeFactory(code="archives"),
        opens_at=closes_2024 - dt.timedelta(days=30),
        closes_at=closes_2024,
    )
    CallFactory(slug="a-venir", upcoming=True)

    response = client.get("/api/v1/calls/", params)

    assert [item["slug"] for item in response.json()["results"]] == expected


# Funded projects


def test_funded_projects_have_exactly_the_fields_of_the_files(client):
    bnf = Institution.objects.create(name="Bibliothèque nationale de France", ror="04v0snf24")
    call = closed_call(slug="corpus", title_fr="Corpus « rares »", programme=None)
    project = funded(call, "Éditer les carnets", "12500.5", bnf, "Un résumé accentué : été.")
    decided_application(call, "rejected", application={"title": "Refusé"})
    decided_application(call, "reserve", application={"title": "En réserve"})

    response = client.get(reverse("api:project-list"))
    data = response.json()

    assert response.status_code == 200
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert data["count"] == 1
    assert data["licence"]["name"] == "Licence Ouverte 2.0 / Etalab"
    item = data["results"][0]
    assert list(item) == list(COLUMNS)
    assert item == {
        "id": project.reference,
        "title": "Éditer les carnets",
        "call": "Corpus « rares »",
        "call_slug": "corpus",
        "programme": None,
        "year": call_year(call),
        "lead_institution": "Bibliothèque nationale de France",
        "lead_institution_ror": "04v0snf24",
        "amount_granted": "12500.50",
        "currency": "EUR",
        "summary": "Un résumé accentué : été.",
        "decided_on": project.decision.meeting_date.isoformat(),
        "page_url": f"http://testserver/projets-finances/{project.reference}/",
        "state": None,
        "agreement_signed_on": None,
        "start_date": None,
        "end_date": None,
        "grantor_name": "CollEx-Persée",
        "beneficiary_name": None,
        "beneficiary_ror": None,
        "payment_conditions": None,
        "payment_period": None,
        "collections": None,
    }
    assert "Éditer les carnets".encode() in response.content


def test_a_funded_project_is_read_by_its_reference_and_others_answer_404(client):
    call = closed_call()
    project = funded(call, "Carnets")
    rejected = decided_application(call, "rejected")

    found = client.get(f"/api/v1/projects/{project.reference}/")

    assert found.status_code == 200
    assert found.json()["title"] == "Carnets"
    assert client.get(f"/api/v1/projects/{rejected.reference}/").status_code == 404
    assert client.get("/api/v1/projects/999-99999/").status_code == 404
    short = f"{project.call_id}-{project.pk}"  # not the canonical "003-00042"
    assert short != project.reference
    assert client.get(f"/api/v1/projects/{short}/").status_code == 404
    assert client.get("/api/v1/projects/abc/").status_code == 404


def test_funded_projects_are_paginated(client):
    call = closed_call()
    for number in range(5):
        funded(call, f"Projet {number}")

    first = client.get("/api/v1/projects/", {"page_size": 2}).json()
    last = client.get("/api/v1/projects/", {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/projects/?page=2&page_size=2"
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert client.get("/api/v1/projects/", {"page": 9}).status_code == 404


@pytest.fixture
def projects():
    closes_2024 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    old_call = closed_call(
        slug="numerisation-2024",
        programme=ProgrammeFactory(code="digitisation"),
        opens_at=closes_2024 - dt.timedelta(days=30),
        closes_at=closes_2024,
    )
    new_call = closed_call(slug="archives", programme=ProgrammeFactory(code="archives"))
    unistra = Institution.objects.create(name="Université de Strasbourg", ror="00pg6eq24")
    funded(old_call, "Carnets")
    funded(old_call, "Herbiers", institution=unistra, summary="Planches botaniques")
    funded(new_call, "Fonds de physiciens")
    return unistra


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"programme": "digitisation"}, ["Carnets", "Herbiers"]),
        ({"year": 2024}, ["Carnets", "Herbiers"]),
        ({"call": "archives"}, ["Fonds de physiciens"]),
        ({"q": "botaniques"}, ["Herbiers"]),
        ({"ror": "00pg6eq24"}, ["Herbiers"]),
    ],
)
def test_funded_projects_are_filtered_like_the_page(client, projects, params, expected):
    response = client.get("/api/v1/projects/", params)

    assert sorted(item["title"] for item in response.json()["results"]) == expected


def test_filter_by_institution_and_refusal_of_an_unknown_value(client, projects):
    by_institution = client.get("/api/v1/projects/", {"institution": projects.pk})
    unknown = client.get("/api/v1/projects/", {"programme": "inconnu"})

    assert [item["title"] for item in by_institution.json()["results"]] == ["Herbiers"]
    assert unknown.status_code == 400
    assert "programme" in unknown.json()


def test_the_api_is_read_only_and_the_same_for_everyone(client):
    CallFactory(slug="corpus")
    anonymous = client.get("/api/v1/calls/").json()
    client.force_login(UserFactory())

    assert client.get("/api/v1/calls/").json() == anonymous
    for url in ("/api/v1/calls/", "/api/v1/calls/corpus/", "/api/v1/projects/"):
        assert client.post(url, {}, content_type="application/json").status_code == 405
        assert client.delete(url).status_code == 405


@pytest.mark.parametrize("count", [3, 12])
def test_the_lists_need_a_fixed_number_of_queries(client, count, django_assert_max_num_queries):
    institution = Institution.objects.create(name="Université de Lille", ror="02kzqn938")
    calls = [closed_call(programme=ProgrammeFactory()) for _ in range(0, count, 3)]
    for number in range(count):
        funded(calls[number // 3], f"Projet {number}", institution=institution, summary="Résumé")

    # The forms' summary questions, the count, the page of rows.
    with django_assert_max_num_queries(3):
        projects = client.get("/api/v1/projects/", {"page_size": 100}).json()
    # The count, the page of calls (with their programme).
    with django_assert_max_num_queries(2):
        calls = client.get("/api/v1/calls/", {"page_size": 100}).json()

    assert len(projects["results"]) == count
    assert len(calls["results"]) == len(range(0, count, 3))


# The OpenAPI description


def test_the_openapi_description_is_valid_and_documents_the_fields_and_filters(client):
    response = client.get(reverse("api:schema"))
    schema = response.json()

    assert response.status_code == 200
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert client.get(reverse("api:schema"), HTTP_ACCEPT_LANGUAGE="fr").json() == schema
    call_filters = schema["paths"]["/api/v1/calls/"]["get"]["parameters"]
    assert {parameter["name"]: parameter for parameter in call_filters}["kind"][
        "description"
    ].startswith("Kind")
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["license"] == {"name": "Licence Ouverte 2.0 / Etalab", "url": LICENCE_URL}
    assert sorted(schema["paths"]) == [
        "/api/v1/calls/",
        "/api/v1/calls/{slug}/",
        "/api/v1/collections/",
        "/api/v1/collections/{code}/",
        "/api/v1/deliverables/",
        "/api/v1/deliverables/{id}/",
        "/api/v1/projects/",
        "/api/v1/projects/{reference}/",
    ]
    for path in schema["paths"].values():
        assert list(path) == ["get"]  # read-only
    components = schema["components"]["schemas"]
    assert list(components["FundedProject"]["properties"]) == list(COLUMNS)
    assert list(components["Call"]["properties"]) == CALL_FIELDS
    assert components["FundedProject"]["properties"]["amount_granted"]["format"] == "decimal"
    assert components["Call"]["properties"]["closes_at"]["format"] == "date-time"
    listing = schema["paths"]["/api/v1/projects/"]["get"]
    parameters = {parameter["name"] for parameter in listing["parameters"]}
    assert parameters == {
        "page",
        "page_size",
        "q",
        "programme",
        "call",
        "year",
        "institution",
        "state",
        "deliverable",
        "collection",
        "ror",
    }
    assert list(components["Deliverable"]["properties"]) == list(DELIVERABLES.column_names)
    assert list(components["Collection"]["properties"]) == list(COLLECTIONS.column_names)
    paginated = components["PaginatedFundedProjectList"]
    assert {"licence", "count", "next", "previous", "results"} <= set(paginated["properties"])
