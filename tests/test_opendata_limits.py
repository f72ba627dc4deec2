"""The open data under load: a search term is bounded (a 1,100-word one was a server error after
seconds)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from .factories import CallFactory, decided_application

pytestmark = pytest.mark.django_db

# 1,100 words, 7,689 characters: what a script pasted into the search box.
LONG_TERM = " ".join(f"mot{number}" for number in range(1100))
TOO_LONG = "Search with at most 20 words and 200 characters."


def url(name, language="en"):
    with translation.override(language):
        return reverse(name)


@pytest.fixture
def projects():
    call = CallFactory(closed=True, slug="numerisation")
    for title in ("Herbiers numérisés", "Carnets de voyage"):
        decided_application(
            call,
            "funded",
            amount=Decimal("8000.00"),
            application={"title": title},
            publication_date=dt.date(2020, 1, 1),  # long past: the project is public
        )


def query_count(client, path, params, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params, **headers)
    assert not any("mot1099" in query["sql"] for query in queries.captured_queries)
    return response, len(queries.captured_queries)


# The search term


def field_error(response):
    return response.content.decode().split('id="id_q_error"', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_1100_word_search_is_refused_beside_the_field_and_fast(client, projects, language):
    path = url("opendata:projects", language)
    client.get(path)  # the site's settings are made on the first visit
    _short, short_queries = query_count(client, path, {"q": "herbiers"})

    response, long_queries = query_count(client, path, {"q": LONG_TERM})

    assert response.status_code == 200
    assert 'maxlength="200"' in response.content.decode()
    if language == "en":
        assert TOO_LONG in field_error(response)
    else:
        assert field_error(response).strip(">")  # in French once the catalogue has it
    # The term never reaches the database: as many queries as for one word.
    assert long_queries == short_queries


@pytest.mark.parametrize("name", ["opendata:projects_csv", "opendata:projects_json"])
def test_a_1100_word_search_gives_no_file_but_the_fields_message(client, projects, name):
    response, _queries = query_count(client, url(name), {"q": LONG_TERM})

    assert response.status_code == 400
    assert f"q: {TOO_LONG}" in response.content.decode()


def test_a_1100_word_search_is_refused_by_the_api_with_the_fields_message(client, projects):
    _short, short_queries = query_count(client, "/api/v1/projects/", {"q": "herbiers"})

    response, long_queries = query_count(
        client, "/api/v1/projects/", {"q": LONG_TERM}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json() == {"q": [TOO_LONG]}
    assert long_queries <= short_queries  # a refusal counts no rows


@pytest.mark.parametrize(
    "term",
    [" ".join(["carnets"] * 21), "c" * 201],
    ids=["21 words", "201 characters"],
)
def test_one_word_or_one_character_too_many_is_refused(client, projects, term):
    response = client.get(url("opendata:projects_csv"), {"q": term})

    assert response.status_code == 400


def test_twenty_words_within_200_characters_still_search(client, projects):
    term = " ".join(["carnets"] * 19 + ["voyage"])

    response = client.get(url("opendata:projects_json"), {"q": term})

    assert response.status_code == 200
    assert [row["title"] for row in json.loads(response.content)["results"]] == [
        "Carnets de voyage"
    ]
