"""Decisions through their services: envelopes (Decimal arithmetic, refusal, override), the
reserve list and its promotion, batches (all or none), proposals, and the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.roles import Role
from applications.models import ApplicationEvent, ApplicationState
from decisions import budget, services
from decisions.models import Body, Decision, Outcome

from .factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    EnvelopeFactory,
    ProgrammeFactory,
    UserFactory,
    in_review_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

MEETING = dt.date(2026, 11, 20)


@pytest.fixture
def staff():
    """Services ask the same rules as the pages: the actor records decisions."""
    return UserFactory(roles=[Role.PROGRAMME_MANAGER])


@pytest.fixture
def call():
    return CallFactory(closed=True, envelope=Decimal("20000.00"), max_amount=Decimal("15000.00"))


def application_requesting(call, *amounts, cofunding=Decimal("0")):
    application = in_review_application(call)  # requests 10,000.00 in one line
    application.budget_lines.all().delete()
    for amount in amounts:
        BudgetLineFactory(application=application, amount_requested=amount, cofunding=cofunding)
    return application


def fund(application, staff, amount, **kwargs):
    return services.record_decision(
        application,
        staff,
        outcome=Outcome.FUNDED,
        amount=amount,
        meeting_date=MEETING,
        motivation="Excellent projet.",
        **kwargs,
    )


def reserve(application, staff, **kwargs):
    return services.record_decision(
        application,
        staff,
        outcome=Outcome.RESERVE,
        meeting_date=MEETING,
        motivation="Bon projet, enveloppe épuisée.",
        **kwargs,
    )


def test_the_envelope_is_counted_in_decimals_to_the_cent(call, staff):
    first = application_requesting(call, Decimal("0.10"), Decimal("9999.90"))
    second = application_requesting(call, Decimal("0.20"), Decimal("9999.70"))
    fund(first, staff, Decimal("0.10"))
    fund(second, staff, Decimal("0.20"))

    figures = budget.call_budget(call)

    assert figures.granted == Decimal("0.30")  # 0.1 + 0.2 in floats is 0.30000000000000004
    assert figures.remaining == Decimal("19999.70")
    assert isinstance(figures.remaining, Decimal)
    assert figures.funded == 2


def test_a_decision_past_the_envelope_is_refused_and_nothing_is_recorded(call, staff):
    fund(application_requesting(call, Decimal("12000")), staff, Decimal("12000"))
    second = application_requesting(call, Decimal("9000"))

    with pytest.raises(services.EnvelopeExceeded) as refused:
        fund(second, staff, Decimal("8000.01"))

    message = str(refused.value)
    assert "€20,000.01 would be granted out of €20,000 (€0.01 over)" in message
    assert "reason" in message
    second.refresh_from_db()
    assert second.state == ApplicationState.ELIGIBLE
    assert not Decision.objects.filter(application=second).exclude(outcome="").exists()
    assert not ApplicationEvent.objects.filter(application=second).exists()
    # Exactly the envelope is allowed.
    fund(second, staff, Decimal("8000.00"))
    assert budget.call_budget(call).remaining == Decimal("0.00")


def test_an_override_with_a_reason_passes_and_is_in_the_audit_trail(call, staff):
    fund(application_requesting(call, Decimal("15000")), staff, Decimal("15000"))
    second = application_requesting(call, Decimal("9000"))

    decision = fund(second, staff, Decimal("9000"), override_reason="Reliquat 2025 réaffecté.")

    assert decision.override_reason == "Reliquat 2025 réaffecté."
    figures = budget.call_budget(call)
    assert figures.exceeded and figures.remaining == Decimal("-4000.00")
    override = ApplicationEvent.objects.get(application=second, action="override_envelope")
    assert (override.subject, override.actor, override.reason) == (
        "decision",
        staff,
        "Reliquat 2025 réaffecté.",
    )


def test_a_blank_override_reason_is_no_override(call, staff):
    fund(application_requesting(call, Decimal("15000")), staff, Decimal("15000"))
    with pytest.raises(services.EnvelopeExceeded):
        fund(
            application_requesting(call, Decimal("9000")),
            staff,
            Decimal("9000"),
            override_reason="  ",
        )


def test_lowering_a_grant_is_never_refused_even_past_the_envelope(call, staff):
    first = application_requesting(call, Decimal("15000"))
    fund(first, staff, Decimal("15000"))
    fund(
        application_requesting(call, Decimal("9000")),
        staff,
        Decimal("9000"),
        override_reason="Vote du CM.",
    )

    decision = fund(first, staff, Decimal("14000"))

    assert decision.amount_granted == Decimal("14000")
    assert budget.call_budget(call).granted == Decimal("23000.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (None, "Give the amount granted."),
        (Decimal("0"), "more than zero"),
        (Decimal("10000.01"), "more than the amount requested (€10,000)"),
    ],
)
def test_the_amount_granted_is_given_positive_and_at_most_the_request(call, staff, amount, message):
    application = application_requesting(call, Decimal("10000"))
    with pytest.raises(
        services.DecisionError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        fund(application, staff, amount)


def test_the_amount_granted_is_at_most_the_calls_maximum(staff):
    call = CallFactory(closed=True, envelope=Decimal("90000"), max_amount=Decimal("5000"))
    application = application_requesting(call, Decimal("8000"))
    with pytest.raises(services.DecisionError, match="call's maximum"):
        fund(application, staff, Decimal("6000"))


def test_a_decision_needs_a_meeting_date_and_a_motivation(call, staff):
    application = application_requesting(call, Decimal("1000"))
    with pytest.raises(services.DecisionError, match="date of the meeting"):
        services.record_decision(
            application, staff, outcome=Outcome.REJECTED, meeting_date=None, motivation="Non."
        )
    with pytest.raises(services.DecisionError, match="motivation"):
        services.record_decision(
            application, staff, outcome=Outcome.REJECTED, meeting_date=MEETING, motivation=" "
        )


def test_only_reviewed_applications_can_be_decided(call, staff):
    draft = ApplicationFactory(call=call)
    with pytest.raises(services.DecisionError, match="draft cannot be decided"):
        fund(draft, staff, Decimal("1"))


def test_the_first_decision_moves_the_application_to_decided_with_its_audit_rows(call, staff):
    application = application_requesting(call, Decimal("5000"))

    services.record_decision(
        application,
        staff,
        outcome=Outcome.REJECTED,
        body=Body.OPERATIONAL_COMMITTEE,
        meeting_date=MEETING,
        motivation="Hors du périmètre.",
    )

    application.refresh_from_db()
    assert application.state == ApplicationState.DECIDED
    assert application.decision.body == Body.OPERATIONAL_COMMITTEE
    rows = list(
        application.events.values_list("subject", "action", "from_state", "to_state", "reason")
    )
    assert rows == [
        ("application", "decide", "eligible", "decided", "Hors du périmètre."),
        ("decision", "decide", "", "rejected", "Hors du périmètre."),
    ]


def test_reserve_ranks_follow_each_other_and_a_reserve_application_can_be_funded_later(call, staff):
    funded = application_requesting(call, Decimal("15000"))
    fund(funded, staff, Decimal("15000"))
    too_big = application_requesting(call, Decimal("9000"))
    fits = application_requesting(call, Decimal("4000"))
    first = reserve(too_big, staff)
    second = reserve(fits, staff)
    assert (first.reserve_rank, second.reserve_rank) == (1, 2)

    # 5,000 remain: the first of the list does not fit, the second does.
    promotion = services.promotion_candidate(call)
    assert (promotion.decision.application, promotion.amount) == (fits, Decimal("4000.00"))

    # The funded project gives its grant up: 20,000 remain, the first of the list fits.
    services.withdraw_funding(funded, staff, "Le porteur a quitté l'établissement.")
    promotion = services.promotion_candidate(call)
    assert promotion.decision.application == too_big
    assert promotion.remaining == Decimal("20000.00")

    fund(too_big, staff, promotion.amount)
    too_big.decision.refresh_from_db()
    assert (too_big.decision.outcome, too_big.decision.reserve_rank) == ("funded", None)
    change = too_big.events.get(action="change_decision")
    assert (change.from_state, change.to_state) == ("reserve", "funded")
    assert budget.call_budget(call).granted == Decimal("9000.00")
    withdrawal = funded.events.get(action="withdraw_funding")
    assert withdrawal.reason == "Le porteur a quitté l'établissement."


def test_no_promotion_when_nothing_fits(call, staff):
    fund(application_requesting(call, Decimal("15000")), staff, Decimal("15000"))
    reserve(application_requesting(call, Decimal("9000")), staff)
    assert services.promotion_candidate(call) is None


def test_only_a_funded_application_can_have_its_funding_withdrawn(call, staff):
    application = application_requesting(call, Decimal("9000"))
    reserve(application, staff)
    with pytest.raises(services.DecisionError, match="Only a funded"):
        services.withdraw_funding(application, staff, "Raison.")
    with pytest.raises(services.DecisionError, match="Say why"):
        services.withdraw_funding(application, staff, "")


def test_a_batch_is_recorded_whole_or_not_at_all(call, staff):
    applications = [application_requesting(call, Decimal("8000")) for _ in range(3)]
    ids = [a.pk for a in applications]

    with pytest.raises(services.EnvelopeExceeded):  # 24,000 asked for a 20,000 envelope
        services.record_batch(
            ids, staff, outcome=Outcome.FUNDED, meeting_date=MEETING, motivation="Classés premiers."
        )
    assert not Decision.objects.exclude(outcome="").exists()

    decided = services.record_batch(
        ids[:2], staff, outcome=Outcome.FUNDED, meeting_date=MEETING, motivation="Classés premiers."
    )
    assert [d.amount_granted for d in decided] == [Decimal("8000.00")] * 2
    listed = services.record_batch(
        ids[2:], staff, outcome=Outcome.RESERVE, meeting_date=MEETING, motivation="Liste d'attente."
    )
    assert listed[0].reserve_rank == 1


def test_a_batch_funds_the_proposed_amount_when_there_is_one(call, staff):
    application = application_requesting(call, Decimal("8000"))
    services.record_proposal(application, staff, outcome=Outcome.FUNDED, amount=Decimal("6500"))
    [decision] = services.record_batch(
        [application.pk], staff, outcome=Outcome.FUNDED, meeting_date=MEETING, motivation="Oui."
    )
    assert decision.amount_granted == Decimal("6500.00")


def test_a_refusal_in_a_batch_names_the_application(call, staff):
    good = application_requesting(call, Decimal("1000"))
    draft = ApplicationFactory(call=call)
    with pytest.raises(services.DecisionError, match=draft.reference):
        services.record_batch(
            [good.pk, draft.pk],
            staff,
            outcome=Outcome.REJECTED,
            meeting_date=MEETING,
            motivation="Non.",
        )
    assert not Decision.objects.exclude(outcome="").exists()


def test_the_proposal_is_recorded_then_kept_once_the_body_decided(call, staff):
    application = application_requesting(call, Decimal("5000"))
    proposal = services.record_proposal(
        application,
        staff,
        outcome=Outcome.FUNDED,
        amount=Decimal("4000"),
        motivation="Proposé par le conseil scientifique.",
        meeting_date=MEETING,
    )
    assert (proposal.proposed_outcome, proposal.proposed_amount) == ("funded", Decimal("4000"))
    assert application.events.get(action="propose").to_state == "funded"
    services.record_decision(
        application, staff, outcome=Outcome.REJECTED, meeting_date=MEETING, motivation="Non."
    )
    with pytest.raises(services.DecisionError, match="has decided"):
        services.record_proposal(application, staff, outcome=Outcome.RESERVE)


def test_a_programmes_yearly_envelope_is_checked_across_its_calls(staff):
    programme = ProgrammeFactory()
    closes = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    first_call, second_call = (
        CallFactory(
            programme=programme,
            opens_at=closes - dt.timedelta(days=60),
            closes_at=closes,
            envelope=Decimal("50000"),
        )
        for _ in range(2)
    )
    EnvelopeFactory(programme=programme, year=2026, amount=Decimal("12000"))
    fund(application_requesting(first_call, Decimal("10000")), staff, Decimal("10000"))

    with pytest.raises(services.EnvelopeExceeded, match="in 2026"):
        fund(application_requesting(second_call, Decimal("5000")), staff, Decimal("5000"))

    [(row_programme, year, figures)] = budget.programme_year_budgets(2026)
    assert (row_programme, year) == (programme, 2026)
    assert (figures.envelope, figures.granted, figures.remaining) == (
        Decimal("12000.00"),
        Decimal("10000.00"),
        Decimal("2000.00"),
    )
    assert figures.calls_envelope == Decimal("100000.00")


def test_a_call_counts_in_the_year_it_closed_in_paris():
    # 31 December 23:30 UTC is already 1 January in Paris.
    closes = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    call = CallFactory(opens_at=closes - dt.timedelta(days=60), closes_at=closes)
    assert budget.call_year(call) == 2026


def test_partner_cofunding_is_shown_beside_the_networks_money(call, staff):
    application = application_requesting(call, Decimal("6000"), cofunding=Decimal("2500"))
    rejected = application_requesting(call, Decimal("6000"), cofunding=Decimal("9999"))
    fund(application, staff, Decimal("6000"))
    services.record_decision(
        rejected, staff, outcome=Outcome.REJECTED, meeting_date=MEETING, motivation="Non."
    )

    figures = budget.call_budget(call)

    assert (figures.granted, figures.cofunding) == (Decimal("6000.00"), Decimal("2500.00"))
