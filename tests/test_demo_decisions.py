"""The demo's decided call: last year's enriched digitisation call, reviewed, ranked and decided
through the services, within its envelope, its letters sent; the programmes' envelopes; a second
run that changes nothing; the demo accounts still signing in.

Each test loads the demo (about two seconds): three tests, four loads."""

import importlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import Institution, User
from applications.models import ApplicationEvent, ApplicationState, AuditSubject, BudgetLine
from calls.models import Call, CallPhase, Programme
from decisions.budget import call_budget, call_year, programme_year_budget
from decisions.models import Body, Decision, Envelope, Letter, Outcome
from decisions.services import promotion_candidate
from demo.decisions import DECIDED_APPLICATIONS, DECIDED_CALL, DECIDED_PEOPLE, MANAGER
from demo.facts import PARIS, block_id, load_network
from demo.labels import LABELS
from demo.people import DEMO_PASSWORD
from reports.opendata import funded_projects
from reviews.ranking import call_ranking

pytestmark = pytest.mark.django_db

FACTS = load_network()


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def letters_module():
    """decisions.letters when it can send a letter (another part of issue 6), else None."""
    try:
        letters = importlib.import_module("decisions.letters")
    except ImportError:
        return None
    return letters if hasattr(letters, "send_letter") else None


def test_last_years_call_is_decided_from_its_ranking_within_its_envelope():
    load_demo()

    call = Call.objects.get(slug=DECIDED_CALL)
    assert call.phase == CallPhase.CLOSED
    applications = list(call.applications.all())
    assert len(applications) == len(DECIDED_APPLICATIONS)
    assert {application.state for application in applications} == {ApplicationState.DECIDED}

    # Best first: funded while the envelope allows, the next two on the reserve list, the rest
    # rejected; every row rests on a final consensus report. Then (demo/projects.py) a project
    # gave money back and the first of the reserve list was funded with it.
    rows = call_ranking(call)
    decisions = {d.application_id: d for d in Decision.objects.filter(application__call=call)}
    ranked = [decisions[row.application.pk] for row in rows]
    assert [decision.proposed_outcome for decision in ranked] == [Outcome.FUNDED] * 4 + [
        Outcome.RESERVE
    ] * 2 + [Outcome.REJECTED]
    assert [decision.outcome for decision in ranked] == [Outcome.FUNDED] * 5 + [
        Outcome.RESERVE,
        Outcome.REJECTED,
    ]
    assert all(row.has_consensus for row in rows)
    assert rows[-1].failures  # the rejected one is under the call's threshold
    assert [d.reserve_rank for d in ranked if d.outcome == Outcome.RESERVE] == [2]

    # The scientific council proposed, then the members' council decided, at earlier meetings;
    # it funded the promoted one today.
    today = timezone.localdate(timezone=PARIS)
    promoted = ranked[4]
    for decision in ranked:
        assert decision.proposed_by.email == decision.decided_by.email == MANAGER
        if decision == promoted:
            assert decision.proposal_meeting_date < decision.meeting_date == today
        else:
            assert decision.proposed_outcome == decision.outcome
            assert decision.proposal_meeting_date < decision.meeting_date < today
        assert decision.body == Body.MEMBERS_COUNCIL
        assert decision.motivation and decision.proposal_motivation
        assert not decision.override_reason

    # Funded: at most the amount requested and the call's maximum; one grant lowered by the
    # council, with its condition.
    requested = {row.application.pk: row.application.requested for row in rows}
    funded = [d for d in ranked if d.outcome == Outcome.FUNDED]
    for decision in funded:
        assert decision.amount_granted <= requested[decision.application_id]
        assert decision.amount_granted <= call.max_amount
        assert decision.conditions
    [lowered] = [
        d
        for d in funded
        if d.proposed_amount is not None and d.proposed_amount < requested[d.application_id]
    ]
    assert lowered.amount_granted == lowered.proposed_amount == Decimal("52500.00")
    assert "traduction" in lowered.conditions
    [given_back] = [d for d in funded if d.amount_granted < (d.proposed_amount or 0)]
    assert given_back.proposed_amount - given_back.amount_granted == Decimal("25400.00")
    assert promoted.amount_granted == requested[promoted.application_id] == Decimal("52800.00")

    # The call's budget: granted is the sum of the funded amounts, in Decimal, within the
    # envelope; the reserve application left does not fit in what remains.
    budget = call_budget(call)
    granted = sum((d.amount_granted for d in funded), Decimal("0"))
    assert isinstance(budget.granted, Decimal)
    assert budget.granted == granted == Decimal("239900.00")
    assert budget.envelope == call.envelope == Decimal("240000")
    assert budget.granted <= budget.envelope and not budget.exceeded
    assert budget.remaining == Decimal("100.00")
    assert budget.funded == 5
    assert (
        budget.cofunding
        == BudgetLine.objects.filter(
            application__decision__in=funded, application__call=call
        ).aggregate(total=Sum("cofunding"))["total"]
        > 0
    )
    first_reserve = next(d for d in ranked if d.outcome == Outcome.RESERVE)
    assert requested[first_reserve.application_id] > budget.remaining
    assert promotion_candidate(call) is None

    # The audit trail: the proposal, the decision and the application's move to "decided".
    for application in applications:
        events = set(application.events.values_list("subject", "action", "to_state"))
        proposed = application.decision.proposed_outcome
        assert (AuditSubject.DECISION, "propose", proposed) in events
        assert (AuditSubject.DECISION, "decide", proposed) in events
        assert (AuditSubject.APPLICATION, "decide", ApplicationState.DECIDED) in events
    promotion = (AuditSubject.DECISION, "change_decision", Outcome.FUNDED)
    assert promotion in set(
        promoted.application.events.values_list("subject", "action", "to_state")
    )


def test_envelopes_funded_projects_to_publish_and_letters_in_the_applicants_language():
    load_demo()

    year = timezone.localdate(timezone=PARIS).year
    envelopes = {
        (getattr(e.programme, "code", None), e.year): e.amount
        for e in Envelope.objects.select_related("programme")
    }
    expected = {}
    for row in FACTS["envelopes"]:
        expected[(row["programme"], year - 1)] = Decimal(row["previous"])
        expected[(row["programme"], year)] = Decimal(row["current"])
    assert envelopes == expected
    assert {code for code, _year in envelopes} == {
        *Programme.objects.values_list("code", flat=True),
        None,
    }
    # Each programme's envelope covers its calls closing that year.
    for programme in Programme.objects.all():
        for budget_year in (year - 1, year):
            budget = programme_year_budget(programme, budget_year)
            assert budget.calls_envelope <= budget.envelope, (programme.code, budget_year)

    call = Call.objects.get(slug=DECIDED_CALL)
    digitisation = programme_year_budget(call.programme, call_year(call))
    assert digitisation.granted == Decimal("239900.00") and not digitisation.exceeded

    # The open data page has funded projects of the demo's real institutions, with a summary.
    funded = (
        call.applications.filter(decision__outcome=Outcome.FUNDED)
        .select_related("lead__institution")
        .order_by("pk")
    )
    assert 3 <= len(funded) <= 5
    names = {row["name"] for row in FACTS["institutions"]}
    institutions = {application.lead.institution.name for application in funded}
    assert len(institutions) == len(funded)
    assert institutions <= names
    assert Institution.objects.filter(name__in=institutions).count() == len(institutions)
    for application in funded:
        assert len(application.answers[block_id(call.slug, "abstract")]) > 100
    # Public because their letters are sent (decisions.models.DecisionQuerySet.announced).
    assert list(funded_projects().filter(call=call).order_by("pk")) == list(funded)

    # Each decided lead has their letter, in their language (sent when decisions.letters can).
    if letters_module() is None:
        assert not Letter.objects.exists()
        return
    decisions = Decision.objects.filter(application__call=call).select_related("application__lead")
    assert decisions.count() == len(DECIDED_APPLICATIONS)
    for decision in decisions:
        # The promoted application has its reserve letter, then its funding letter.
        letter = Letter.objects.filter(decision=decision).order_by("sent_at", "pk").last()
        assert letter.outcome == decision.outcome
        assert letter.language == decision.application.lead.language
        assert letter.sent_by.email == MANAGER
    assert set(Letter.objects.values_list("language", flat=True)) == {"fr", "en"}


def snapshot():
    return {
        "decisions": sorted(
            Decision.objects.values_list(
                "application__title",
                "proposed_outcome",
                "proposed_amount",
                "outcome",
                "amount_granted",
                "reserve_rank",
                "meeting_date",
                "motivation",
                "conditions",
            )
        ),
        "envelopes": sorted(
            Envelope.objects.values_list("programme__code", "year", "amount", "note"),
            key=str,
        ),
        "letters": Letter.objects.count(),
        "audit rows": ApplicationEvent.objects.count(),
        "users": User.objects.count(),
    }


def test_a_second_run_changes_nothing_and_the_demo_accounts_still_sign_in(client):
    output = load_demo()
    first = snapshot()

    load_demo()

    assert snapshot() == first
    # The decided call's decisions, and the past label campaigns' "labelled" ones.
    assert len(first["decisions"]) == len(DECIDED_APPLICATIONS) + len(LABELS["collections"])
    assert "Decided: AAP Numérisation enrichie 2026" in output
    assert "5 funded (239,900 EUR of 240,000), 1 on the reserve list, 1 rejected" in output
    # The accounts load_demo prints sign in; the quiet ones created for the decided call too.
    printed = [line.split()[0] for line in output.splitlines() if "@example.org  " in line]
    assert MANAGER in printed and "porteuse@example.org" in printed
    for email in printed + [person["email"] for person in DECIDED_PEOPLE]:
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()
    # The lead applicants see their decided applications among their own.
    for email in ("porteuse@example.org", "porteur@example.org"):
        client.login(email=email, password=DEMO_PASSWORD)
        [decided] = Call.objects.get(slug=DECIDED_CALL).applications.filter(lead__email=email)
        response = client.get(reverse("applications:mine"))
        assert response.status_code == 200
        assert decided.title in response.content.decode()
        client.logout()
