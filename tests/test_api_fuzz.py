"""The open data API under schemathesis: requests generated from its own OpenAPI description
(/api/v1/openapi.json), valid and invalid (strange slugs, references, filters, pages and page
sizes), sent to the WSGI application in this process. Never a server error, and every answer
the description documents has the shape it promises.
"""

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .factories import (
    CallFactory,
    DeliverableFactory,
    InstitutionFactory,
    ProjectFactory,
    decided_application,
)

SUMMARY_ID = "5d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
FORM = [
    {
        "type": "long_text",
        "value": {"label": "Résumé", "label_en": "Summary", "help_text": "", "required": True},
        "id": SUMMARY_ID,
    }
]


@pytest.fixture
def api_schema(db):
    """The API's description, read from the application itself, with data behind it: open,
    upcoming and closed calls, a cross-programme one, funded projects and a deliverable."""
    CallFactory(questions=FORM)
    CallFactory(upcoming=True, programme=None)
    closed = CallFactory(closed=True, questions=FORM)
    institution = InstitutionFactory(name="Bibliothèque nationale", ror="04fz8p317")
    for amount in ("8000.00", "12500.50"):
        project = decided_application(
            closed,
            "funded",
            amount=Decimal(amount),
            application={"answers": {SUMMARY_ID: "Numériser « des » fonds\u202e rares"}},
            publication_date=dt.date(2020, 1, 1),  # long past: the project is public
        )
        project.team.filter(is_lead=True).update(institution=institution)
    # The last one followed after its letter, with dates and a public deliverable.
    followed = ProjectFactory(
        decision=project.decision,
        state="running",
        carrier=institution,
        amount_granted=Decimal("12500.50"),
        signed_on=dt.date(2025, 9, 1),
        start_date=dt.date(2025, 10, 1),
        duration_months=18,
    )
    DeliverableFactory(project=followed, description="Un corpus « rare »")
    decided_application(closed, "rejected", meeting_date=dt.date(2026, 1, 15))
    # Requests run in the test's transaction, as with Django's test client: the end of a
    # request must not close the connection that holds it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        # Hundreds of requests from one address: the rate limit is not what is tested here.
        with override_settings(OPEN_DATA_RATE="100000/minute"):
            yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


GENERATED = settings(
    database=None,
    deadline=None,
    derandomize=True,
    max_examples=25,
    suppress_health_check=list(HealthCheck),
)


# schemathesis.pytest.from_fixture() does not run under pytest 9 (it sets Function._nodeid):
# each operation's strategies are driven by hypothesis here instead, valid and invalid requests.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_without_server_error_and_as_described(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert sorted(operation.label for operation in operations) == [
        "GET /api/v1/calls/",
        "GET /api/v1/calls/{slug}/",
        "GET /api/v1/collections/",
        "GET /api/v1/collections/{code}/",
        "GET /api/v1/deliverables/",
        "GET /api/v1/deliverables/{id}/",
        "GET /api/v1/projects/",
        "GET /api/v1/projects/{reference}/",
    ]
    statuses = set()
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and "{" in operation.path:
            continue  # a path parameter is any text: no request breaks its schema

        @GENERATED
        @given(case=operation.as_strategy(generation_mode=mode))
        def answers_as_described(case):
            response = case.call()
            statuses.add((case.operation.label, response.status_code))
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        answers_as_described()
    # The generated requests reached the data, and the refusals, not only one kind of answer.
    codes = {code for _label, code in statuses}
    assert codes >= ({200, 404} if mode == GenerationMode.POSITIVE else {400}), statuses


@pytest.mark.django_db
@pytest.mark.parametrize(
    "year", ["-1", "0", "1", "999", "2026.5", "-2.58e76", "9999", "10000", "x"]
)
def test_a_year_no_date_can_have_is_refused_not_a_server_error(client, year):
    """Found by schemathesis: ?year=-1.84 made the year lookup build datetime(-1.84, 1, 1)."""
    CallFactory(closed=True)
    for url in ("/api/v1/calls/", "/api/v1/projects/"):
        response = client.get(url, {"year": year})
        assert response.status_code in (200, 400), (url, response.status_code)
        if response.status_code == 400:
            assert "year" in response.json()
    for name in ("opendata:projects", "opendata:projects_csv", "opendata:projects_json"):
        assert client.get(reverse(name), {"year": year}).status_code in (200, 400), name
