"""The decision pages as staff and the council use them: the funding line, batches from the
ranking, one application's decision, the reserve promotion, budgets; and who may see them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application
from decisions import services
from decisions.models import Decision, Outcome
from reviews.models import Review, ReviewState

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    BudgetLineFactory,
    CallFactory,
    EnvelopeFactory,
    UserFactory,
)
from .reading import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

MEETING = "2026-11-20"


@pytest.fixture
def call():
    return CallFactory(closed=True, title_en="Heritage call", envelope=Decimal("20000"))


def scored(call, score, amount=Decimal("8000"), title=None):
    """An application in review with one submitted review scoring `score`/20, requesting
    `amount`."""
    application = ApplicationFactory(
        call=call, title=title or f"Projet noté {score}", in_review=True
    )
    application.budget_lines.update(amount_requested=amount)
    assignment = AssignmentFactory(application=application, accepted=True)
    Review.objects.create(
        assignment=assignment,
        state=ReviewState.SUBMITTED,
        submitted_at=timezone.now(),
        weighted_score=Decimal(score),
        recommendation="fund",
    )
    return application


@pytest.fixture
def four(call):
    """Scores 18, 16, 14, 12; each asks for 8,000 of a 20,000 envelope."""
    return [scored(call, score) for score in (18, 16, 14, 12)]


def page_url(call, **query):
    url = reverse("decisions:call", args=[call.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def batch(client, call, **fields):
    data = {"step": "decision", "scope": "above", "outcome": "funded", "body": "members_council"}
    data.update(meeting_date=MEETING, motivation="Classement du conseil scientifique.")
    data.update(fields)
    return client.post(page_url(call), data)


# Who may see and record


@pytest.mark.parametrize(
    ("persona", "status"),
    [("programme_manager", 200), ("council_member", 200), ("applicant", 404), ("reviewer", 404)],
)
def test_the_decisions_page_is_for_staff_and_the_council(client, request, call, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(call)).status_code == status


def test_anonymous_visitors_are_asked_to_sign_in(client, call):
    response = client.get(page_url(call))
    assert response.status_code == 302 and "login" in response["Location"]


def test_council_members_read_but_cannot_record(client, council_member, call, four):
    client.force_login(council_member)
    page = text_of(client.get(page_url(call)))
    assert "Record for several applications" not in page and 'type="checkbox"' not in page
    assert batch(client, call).status_code == 404
    assert not Decision.objects.exists()
    url = reverse("decisions:application", args=[four[0].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"step": "withdraw", "withdraw-reason": "x"}).status_code == 404


@pytest.mark.parametrize("persona", ["applicant", "reviewer"])
def test_others_cannot_open_an_applications_decision(client, request, call, persona):
    application = scored(call, 15)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("decisions:application", args=[application.pk])).status_code == 404


# The funding line


def test_the_line_starts_where_the_envelope_ends(client, programme_manager, call, four):
    client.force_login(programme_manager)
    response = client.get(page_url(call))
    page = text_of(response)
    assert "Applications above the line: 2, for €16,000 of €20,000; €4,000 remain." in page
    above = [row.application.pk for row in response.context["line"].rows if row.above]
    assert above == [four[0].pk, four[1].pk]


def test_moving_the_line_shows_the_envelope_exceeded_before_anything_is_recorded(
    client, programme_manager, call, four
):
    client.force_login(programme_manager)
    page = text_of(client.get(page_url(call, line=3)))
    assert (
        "Applications above the line: 3, for €24,000 of €20,000; €4,000 over the envelope." in page
    )
    assert page.count('class="decision-row above-line') == 3
    assert not Decision.objects.exists()


def test_the_line_counts_a_proposed_amount_and_skips_rejected_applications(
    client, programme_manager, call, four
):
    services.record_proposal(four[0], programme_manager, outcome="funded", amount=Decimal("5000"))
    services.record_decision(
        four[1],
        programme_manager,
        outcome="rejected",
        meeting_date=dt.date(2026, 11, 20),
        motivation="Hors périmètre.",
    )
    client.force_login(programme_manager)
    page = text_of(client.get(page_url(call, line=3)))
    assert "Applications above the line: 3, for €13,000 of €20,000; €7,000 remain." in page


def test_the_page_has_a_fixed_number_of_queries(
    client, programme_manager, call, django_assert_max_num_queries
):
    client.force_login(programme_manager)
    client.get(page_url(call))  # caches (permissions, site settings) warm
    counts = []
    for size in (3, 12):
        while Application.objects.filter(call=call).count() < size:
            scored(call, 10)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url(call)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(page_url(call))


# Batches


def test_a_batch_funds_the_applications_above_the_line_then_lists_the_next_in_reserve(
    client, programme_manager, call, four
):
    client.force_login(programme_manager)
    response = batch(client, call, line=2)
    assert response.status_code == 302
    response = batch(client, call, line=2, scope="below", outcome="reserve")
    assert response.status_code == 302

    decisions = {d.application_id: d for d in Decision.objects.all()}
    assert [decisions[a.pk].outcome for a in four] == ["funded", "funded", "reserve", "reserve"]
    assert [decisions[a.pk].reserve_rank for a in four[2:]] == [1, 2]
    assert decisions[four[0].pk].amount_granted == Decimal("8000.00")
    page = text_of(client.get(page_url(call)))
    assert "funded 2 · reserve list 2 · rejected 0" in page


def test_a_batch_past_the_envelope_is_refused_whole_with_the_figures(
    client, programme_manager, call, four
):
    client.force_login(programme_manager)
    response = batch(client, call, line=3)

    assert response.status_code == 200
    assert "€24,000 would be granted out of €20,000 (€4,000 over)" in text_of(response)
    assert not Decision.objects.exclude(outcome="").exists()

    response = batch(client, call, line=3, override_reason="Reliquat de l'exercice précédent.")
    assert response.status_code == 302
    assert Decision.objects.filter(outcome="funded").count() == 3


def test_a_batch_of_ticked_applications(client, programme_manager, call, four):
    client.force_login(programme_manager)
    response = batch(
        client, call, scope="selected", outcome="rejected", applications=[four[3].pk, four[2].pk]
    )
    assert response.status_code == 302
    assert set(Decision.objects.values_list("application_id", "outcome")) == {
        (four[2].pk, "rejected"),
        (four[3].pk, "rejected"),
    }


def test_a_batch_without_a_ticked_application_says_so(client, programme_manager, call, four):
    client.force_login(programme_manager)
    response = batch(client, call, scope="selected")
    assert response.status_code == 400
    assert "Tick at least one application in the table." in text_of(response)


def test_a_proposal_batch_records_the_requested_amounts(client, programme_manager, call, four):
    client.force_login(programme_manager)
    batch(client, call, step="proposal", line=2, meeting_date="", motivation="")
    proposals = Decision.objects.order_by("application_id")
    assert [(d.proposed_outcome, d.proposed_amount, d.outcome) for d in proposals] == [
        ("funded", Decimal("8000.00"), "")
    ] * 2


# One application


def decision_url(application):
    return reverse("decisions:application", args=[application.pk])


def decide(client, application, **fields):
    data = {
        "step": "decision",
        "decision-outcome": "funded",
        "decision-body": "members_council",
        "decision-meeting_date": MEETING,
        "decision-amount": "7500",
        "decision-motivation": "Projet structurant.",
    }
    data.update({f"decision-{key}": value for key, value in fields.items()})
    return client.post(decision_url(application), data)


def test_staff_record_a_decision_with_conditions(client, programme_manager, call):
    application = scored(call, 17)
    client.force_login(programme_manager)
    response = decide(client, application, conditions="Rapport d'étape à six mois.")
    assert response.status_code == 302
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.amount_granted, decision.conditions) == (
        "funded",
        Decimal("7500.00"),
        "Rapport d'étape à six mois.",
    )
    page = text_of(client.get(decision_url(application)))
    assert "The decision is recorded." in page and "Change the decision" in page


def test_a_refused_decision_keeps_what_was_typed_and_says_why(client, programme_manager, call):
    application = scored(call, 17)
    client.force_login(programme_manager)
    response = decide(client, application, amount="9000", conditions="Gardé.")
    assert response.status_code == 400
    page = text_of(response)
    assert "more than the amount requested (€8,000)" in page
    assert "Gardé." in page
    assert not Decision.objects.exclude(outcome="").exists()


def test_the_reserve_promotion_is_proposed_then_funded(client, programme_manager, call, four):
    client.force_login(programme_manager)
    batch(client, call, line=2)
    batch(client, call, line=2, scope="below", outcome="reserve")
    assert "Money is free" not in text_of(client.get(page_url(call)))

    client.post(
        decision_url(four[1]), {"step": "withdraw", "withdraw-reason": "Le projet s'arrête."}
    )
    page = text_of(client.get(page_url(call)))
    assert f"The first application of the reserve list that fits is {four[2].reference}" in page
    prefilled = client.get(decision_url(four[2]) + "?outcome=funded&amount=8000.00")
    assert prefilled.context["forms"]["decision"].initial["outcome"] == "funded"

    assert decide(client, four[2], amount="8000").status_code == 302
    four[2].decision.refresh_from_db()
    assert four[2].decision.outcome == Outcome.FUNDED
    history = text_of(client.get(decision_url(four[2])))
    assert "(Reserve list → Funded)" in history


# Budgets


def test_budgets_show_each_programme_and_call_of_the_year(client, council_member, call, four):
    year = call.closes_at.year  # the factory closes calls yesterday, Paris and UTC agree
    EnvelopeFactory(programme=call.programme, year=year, amount=Decimal("50000"))
    staff = UserFactory(roles=[Role.PROGRAMME_MANAGER])  # the service asks the rule too
    services.record_decision(
        four[0],
        staff,
        outcome="funded",
        amount=Decimal("8000"),
        meeting_date=dt.date(2026, 11, 20),
        motivation="Oui.",
    )
    BudgetLineFactory(application=four[0], amount_requested=Decimal("0"), cofunding=Decimal("3000"))
    client.force_login(council_member)
    response = client.get(reverse("decisions:budgets") + f"?year={year}")
    page = text_of(response)
    assert response.status_code == 200
    assert "€50,000" in page and "€42,000" in page  # the programme's year: envelope, remaining
    assert "€12,000" in page  # the call: 20,000 - 8,000
    assert "€3,000" in page  # co-funding beside it


@pytest.mark.parametrize("persona", ["applicant", "reviewer"])
def test_budgets_are_not_for_applicants_or_reviewers(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("decisions:budgets")).status_code == 404


def test_the_call_page_says_which_letters_wait_and_sends_them(
    client, programme_manager, call, four, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(programme_manager)
    batch(client, call, line=2)
    page = text_of(client.get(page_url(call)))
    assert "2 decided applications have not received their letter." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("decisions:send_call_letters", args=[call.slug]), {"next": page_url(call)}
        )

    assert response.status_code == 302 and response["Location"] == page_url(call)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        a.lead.email for a in four[:2]
    )
    assert "have not received" not in text_of(client.get(page_url(call)))
