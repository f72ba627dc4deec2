"""The "Management" entry: staff and the council find the calls they run, each with its real phase
(open, closed, in review, decided), and the pages of each call they may open."""

import re

import pytest
from django.urls import reverse

from .factories import (
    ApplicationFactory,
    CallFactory,
    decided_application,
    in_review_application,
)
from .reading import text_of, visible_text

MANAGEMENT = "/gestion/appels/"


def row_of(response, title):
    """The visible text of the table row that names the call."""
    rows = re.findall(r"<tr>.*?</tr>", response.content.decode(), flags=re.S)
    row = next(row for row in rows if title in row)
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


@pytest.fixture
def calls(db):
    """A call in each phase a manager meets."""
    open_call = CallFactory(title_fr="Appel ouvert")
    closed = CallFactory(closed=True, title_fr="Appel clos")
    ApplicationFactory(call=closed, submitted=True)  # not screened yet
    in_review = CallFactory(closed=True, title_fr="Appel en expertise")
    in_review_application(in_review)
    decided_application(in_review)  # one decided, one still in review: still in review
    decided = CallFactory(closed=True, title_fr="Appel décidé")
    decided_application(decided)
    decided_application(decided, outcome="rejected")
    ApplicationFactory(call=decided, submitted=True, state="ineligible")  # out of the running
    return {"open": open_call, "closed": closed, "in_review": in_review, "decided": decided}


def test_the_address_is_french_and_english():
    assert reverse("reviews:management") == MANAGEMENT


def test_each_call_shows_its_real_phase(client, programme_manager, calls):
    client.force_login(programme_manager)
    response = client.get(MANAGEMENT)
    assert response.status_code == 200
    assert "Ouvert" in row_of(response, "Appel ouvert")
    assert "Clos" in row_of(response, "Appel clos")
    assert "En expertise" in row_of(response, "Appel en expertise")
    assert "Décidé" in row_of(response, "Appel décidé")
    assert "Clos" not in row_of(response, "Appel en expertise")
    assert "Clos" not in row_of(response, "Appel décidé")


def test_staff_reach_every_page_of_a_call(client, programme_manager, calls):
    client.force_login(programme_manager)
    page = text_of(client.get(MANAGEMENT))
    slug = calls["decided"].slug
    for name in ("applications:call_applications", "reviews:screening", "reviews:ranking"):
        assert reverse(name, args=[slug]) in page
    assert reverse("reviews:assignments", args=[slug]) in page
    assert reverse("reviews:reviewers") in page


def test_the_council_reaches_the_ranking_not_the_staff_pages(client, council_member, calls):
    client.force_login(council_member)
    response = client.get(MANAGEMENT)
    page = text_of(response)
    slug = calls["in_review"].slug
    assert reverse("reviews:ranking", args=[slug]) in page
    assert reverse("applications:call_applications", args=[slug]) not in page
    assert reverse("reviews:screening", args=[slug]) not in page
    assert "Classement" in row_of(response, "Appel en expertise")


def test_the_header_leads_staff_and_council_there(client, programme_manager, council_member):
    for person in (programme_manager, council_member):
        client.force_login(person)
        assert f'href="{MANAGEMENT}"' in text_of(client.get("/appels/"))


def test_applicants_and_reviewers_see_no_management_entry(client, applicant, reviewer):
    for person in (applicant, reviewer):
        client.force_login(person)
        assert "Gestion" not in visible_text(client.get("/appels/"))
        assert client.get(MANAGEMENT).status_code == 404


def test_a_call_never_published_is_not_listed(client, programme_manager, calls):
    CallFactory(draft=True, title_fr="Brouillon d'appel")
    client.force_login(programme_manager)
    assert "Brouillon d'appel" not in visible_text(client.get(MANAGEMENT))


@pytest.mark.parametrize("count", [2, 6])
def test_the_list_costs_the_same_whatever_the_number_of_calls(
    client, programme_manager, django_assert_num_queries, count
):
    for _ in range(count):
        call = CallFactory(closed=True)
        decided_application(call)
        in_review_application(call)
    client.force_login(programme_manager)
    client.get(MANAGEMENT)  # the session and the permissions cached
    with django_assert_num_queries(8):
        response = client.get(MANAGEMENT)
    assert response.content.decode().count("badge-phase-in_review") == count
