"""The open data under load: a search term is bounded (a 1,100-word one was a server error after
seconds), and the page and its files are rate-limited per address, as the API is and with it."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from .factories import CallFactory, decided_application

pytestmark = pytest.mark.django_db

# 1,100 words, 7,689 characters: what a script pasted into the search box.
LONG_TERM = " ".join(f"mot{number}" for number in range(1100))
TOO_LONG = "Search with at most 20 words and 200 characters."
# The API is not under a language prefix: it answers in French, the site's default.
TOO_LONG_FR = "Cherchez avec au plus 20 mots et 200 caractères."


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
    assert response.json() == {"q": [TOO_LONG_FR]}
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


# The rate limit, shared with the API


def answered_before_refusal(client, path, bound=500):
    """How many requests from this address are answered before the first 429."""
    for count in range(bound):
        if client.get(path).status_code == 429:
            return count
    return bound


def test_the_files_are_limited_as_the_api_is(client):
    api = answered_before_refusal(client, "/api/v1/projects/")
    cache.clear()

    csv_file = answered_before_refusal(client, url("opendata:projects_csv"))

    assert api < 500  # the API is limited: the limit is read from it, not restated here
    assert csv_file == api


def test_the_request_over_the_rate_gets_the_429_page_then_the_files_and_the_api_wait(
    client, settings
):
    settings.OPEN_DATA_RATE = "3/minute"
    page = url("opendata:projects")

    answers = [client.get(page) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert "Too many requests from your address" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    # One count for the page, the files and the API.
    json_file = client.get(url("opendata:projects_json"))
    assert json_file.status_code == 429
    assert json_file["Content-Type"] == "application/json"
    assert "Too many requests" in json.loads(json_file.content)["detail"]
    assert 0 < int(json_file["Retry-After"]) <= 60
    assert client.get("/api/v1/projects/").status_code == 429
    # Counted per address: another one is answered.
    assert client.get(page, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_signed_in_visitor_is_counted_too(client, settings, applicant):
    settings.OPEN_DATA_RATE = "2/minute"
    client.force_login(applicant)

    answers = [client.get(url("opendata:projects_csv")).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_a_forged_forwarded_address_does_not_escape_the_limit(client, settings):
    """With no trusted proxy (the default), X-Forwarded-For is not the client's address."""
    settings.OPEN_DATA_RATE = "2/minute"
    path = url("opendata:projects_csv")

    answers = [
        client.get(path, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code
        for number in range(3)
    ]

    assert answers == [200, 200, 429]


def test_behind_one_trusted_proxy_the_address_it_adds_is_the_clients(client, settings):
    settings.OPEN_DATA_RATE = "1/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    path = url("opendata:projects_csv")

    first = client.get(path, HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.1")
    second = client.get(path, HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.2")
    same = client.get(path, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1")

    assert [first.status_code, second.status_code, same.status_code] == [200, 200, 429]
