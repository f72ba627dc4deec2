"""Bad numbers in the reviewers' and staff's forms: review scores out of every range, decision
amounts such as 1e9, 0.001 or -5, reserve ranks and meeting dates no calendar has. Never a 500;
refused with a message beside the field, and nothing recorded."""

# ruff: noqa: F811 (the fixtures of the decision and reviewer pages' tests are imported and used)

import pytest

from decisions.models import Decision
from reviews.models import Review, ReviewState

from .test_decision_pages import call as decision_call  # noqa: F401 (a fixture)
from .test_decision_pages import decide, scored
from .test_review_reviewer_pages import (  # noqa: F401 (fixtures)
    COMPLETE,
    accepted,
    application,
    call,
    expert,
    page_url,
    pending,
    review_post,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

NUMBERS = [
    "NaN",
    "-nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "1e999999999",
    "1e-999999999",
    "99999999999999999999",
    "-1",
    "6",
    "2.5",
    "2,5",
    "4.99999999999999999999999999999999",
    "0x3",
    "trois",
    "3\x00",
    "٣",
]


@pytest.mark.parametrize("action", ["save", "submit"])
@pytest.mark.parametrize("score", NUMBERS)
def test_a_score_out_of_every_range_is_refused_beside_its_criterion(
    client, accepted, expert, call, score, action
):
    client.force_login(expert)
    data = review_post(call, [score, "3"], action=action, **COMPLETE)

    response = client.post(page_url(accepted), data)

    assert response.status_code in (200, 302, 400), response.status_code
    review = Review.objects.filter(assignment=accepted).first()
    if response.status_code == 302:  # the only score that is one: an Arabic-Indic three
        assert score == "٣"
        assert review.scores.count() == 2
        return
    content = response.content.decode()
    assert "invalid-feedback" in content or "alert-danger" in content
    assert review is None or review.state != ReviewState.SUBMITTED


AMOUNTS = ["1e9", "0.001", "-5", "-0.01", "NaN", "Infinity", "1e309", "99999999999.99", "abc"]


@pytest.mark.parametrize("amount", AMOUNTS)
def test_a_decision_amount_out_of_range_is_refused_and_nothing_decided(
    client, programme_manager, decision_call, amount
):
    application = scored(decision_call, 17)
    client.force_login(programme_manager)

    response = decide(client, application, amount=amount)

    assert response.status_code == 400, response.status_code
    assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
    assert not Decision.objects.exclude(outcome="").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"outcome": "reserve", "reserve_rank": "0"},
        {"outcome": "reserve", "reserve_rank": "-1"},
        {"outcome": "reserve", "reserve_rank": "1e3"},
        {"outcome": "reserve", "reserve_rank": "99999999999999999999"},
        {"meeting_date": "2026-02-30"},
        {"meeting_date": "0000-01-01"},
        {"meeting_date": "99999-01-01"},
        {"outcome": "bribed"},
        {"body": "the-lead-alone"},
    ],
)
def test_a_decision_with_a_rank_date_or_choice_no_one_offered_is_refused(
    client, programme_manager, decision_call, fields
):
    application = scored(decision_call, 17)
    client.force_login(programme_manager)

    response = decide(client, application, **fields)

    assert response.status_code == 400, response.status_code
    assert not Decision.objects.exclude(outcome="").exists()
