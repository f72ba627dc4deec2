"""Decisions in the demo: the budget envelopes of each programme for this year and the previous
one, and last year's edition of the enriched digitisation call played to the end through the
services that applicants, staff, reviewers and the councils use: seven applications submitted,
screened, reviewed twice, a consensus report each, ranked; the scientific council's proposals
and the members' council's decisions taken from the ranking (funded within the call's envelope,
the next two on the reserve list, the others rejected); the decision letters sent.

Each step is played once: the applications when the call has none, the decisions when none is
recorded, the letters for decisions that have none for their outcome. A second run changes
nothing. Dates follow the loading day, as the calls' dates do: the call closed four months ago,
the scientific council met six weeks ago and the members' council three weeks ago; the letters
go out when the demo is loaded.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import Discipline
from calls.models import Call
from decisions import letters
from decisions.budget import call_budget
from decisions.models import Body, Decision, Envelope, Letter, Outcome
from decisions.services import record_decision, record_proposal
from reviews.assignments import accept_assignment, assign_reviewer
from reviews.deliberation import save_consensus, set_rapporteur
from reviews.ranking import call_ranking
from reviews.reviewing import submit_review
from reviews.scoring import format_score

from .dossiers import dossiers, leads_and_reviewers, review_settings, reviewers_of
from .facts import PARIS, paris_day_at
from .people import load_demo_users, quiet_accounts
from .review import (
    accounts_of,
    apply,
    load_reviewer_profiles,
    review_data,
    save_review_settings,
    screen,
)

DECIDED_CALL = "aap-numerisation-enrichie-2026"
MANAGER = "gestion@example.org"
# Places on the reserve list after the last funded application.
RESERVE_PLACES = 2

# The story, in days relative to the loading day (the call closes 120 days before it).
ASSIGNED_IN_DAYS = -114
CONSENSUS_IN_DAYS = -55
SCIENTIFIC_COUNCIL_IN_DAYS = -45
MEMBERS_COUNCIL_IN_DAYS = -20

# The applications (applications.yaml) with their reviews, consensus reports and the scientific
# council's changes (reviews.yaml), in the order they were submitted; the leads and the third
# reviewer who are not demo accounts, created quietly.
DECIDED_APPLICATIONS = dossiers(DECIDED_CALL)
DECIDED_PEOPLE = quiet_accounts(leads_and_reviewers(DECIDED_CALL))


# Envelopes


def load_envelopes(rows, programmes, now):
    """An Envelope for each programme (and the cross-programme calls) for the loading day's year
    and the previous one, found by programme and year and kept up to date."""
    year = timezone.localtime(now, PARIS).year
    existing = {(e.programme_id, e.year): e for e in Envelope.objects.all()}
    for row in rows:
        programme = programmes[row["programme"]] if row["programme"] else None
        for row_year, amount in ((year - 1, row["previous"]), (year, row["current"])):
            key = (getattr(programme, "pk", None), row_year)
            envelope = existing.get(key) or Envelope(programme=programme, year=row_year)
            values = (Decimal(amount), row.get("note", ""))
            if envelope.pk and (envelope.amount, envelope.note) == values:
                continue
            envelope.amount, envelope.note = values
            envelope.full_clean()
            envelope.save()


# The decided call


def load_decision_stage(facts, programmes, password_hash, now):
    """Envelopes, then the decided call: its review settings and, once each, its applications
    reviewed and ranked, the councils' proposals and decisions, the letters. Returns the call.
    Call inside transaction.atomic, after demo.review.load_review_stage (disciplines)."""
    load_envelopes(facts["envelopes"], programmes, now)
    load_demo_users(password_hash, DECIDED_PEOPLE)
    disciplines = {discipline.code: discipline for discipline in Discipline.objects.all()}
    load_reviewer_profiles(disciplines, reviewers_of(DECIDED_CALL))
    call = Call.objects.get(slug=DECIDED_CALL)
    settings = review_settings(DECIDED_CALL)
    save_review_settings(call, settings, now)  # as staff set them; no reply phase for this call
    people = accounts_of(
        [
            MANAGER,
            *(facts["lead"] for facts in DECIDED_APPLICATIONS),
            *(email for facts in DECIDED_APPLICATIONS for email in facts["reviews"]),
        ]
    )
    if not call.applications.exists():
        play_review(call, people, disciplines, now)
    if not Decision.objects.filter(application__call=call).exclude(outcome="").exists():
        decide(call, people[MANAGER], settings["conditions"], now)
    send_letters(call, people[MANAGER])
    return call


def play_review(call, people, disciplines, now):
    """Seven applications submitted before the deadline, all eligible, each reviewed by two
    reviewers without a conflict of interest and given a final consensus report."""
    manager = people[MANAGER]
    applications = [
        apply(call, people[facts["lead"]], facts, disciplines) for facts in DECIDED_APPLICATIONS
    ]
    checks = list(call.eligibility_checks.values_list("pk", flat=True))
    criteria = list(call.criteria.all())
    assigned_at = paris_day_at(ASSIGNED_IN_DAYS, 10, now)
    for number, (application, facts) in enumerate(
        zip(applications, DECIDED_APPLICATIONS, strict=True)
    ):
        screen(application, facts, checks, manager)
        for order, (email, review) in enumerate(facts["reviews"].items()):
            reviewer = people[email]
            assignment = assign_reviewer(application, reviewer, manager, now=assigned_at)
            accept_assignment(assignment, reviewer)
            submitted_at = assigned_at + dt.timedelta(days=14 + 2 * number + order, hours=6)
            submit_review(assignment, reviewer, review_data(review, criteria), now=submitted_at)
        consensus = facts["consensus"]
        set_rapporteur(application, people[consensus["rapporteur"]], manager)
        save_consensus(
            application,
            manager,
            review_data(consensus, criteria),
            finalise=True,
            now=paris_day_at(CONSENSUS_IN_DAYS, 16, now),
        )


def funding_plan(call, rows, proposed):
    """[(ranking row, outcome, amount)] from the ranking, best first: funded while the score
    passes the call's thresholds and the amount (the council's, else the request) fits what
    remains of the envelope; from the first that does not fit, RESERVE_PLACES on the reserve
    list; the others rejected."""
    remaining = call.envelope
    line_open = True
    reserve = 0
    plan = []
    for row in rows:
        amount = proposed.get(row.application.pk, row.application.requested)
        if row.failures or row.score is None:
            outcome = Outcome.REJECTED
        elif line_open and amount <= remaining:
            outcome = Outcome.FUNDED
            remaining -= amount
        elif reserve < RESERVE_PLACES:
            line_open = False
            outcome = Outcome.RESERVE
            reserve += 1
        else:
            outcome = Outcome.REJECTED
        plan.append((row, outcome, amount if outcome == Outcome.FUNDED else None))
    return plan


def decide(call, manager, conditions, now):
    """The scientific council proposes from the ranking; three weeks later the members' council
    follows its proposals. Staff record both, as the decisions pages do."""
    facts_by_lead = {facts["lead"]: facts for facts in DECIDED_APPLICATIONS}
    rows = call_ranking(call)
    proposals = {
        row.application.pk: facts_by_lead[row.application.lead.email].get("proposal", {})
        for row in rows
    }
    plan = funding_plan(
        call,
        rows,
        {pk: Decimal(p["amount"]) for pk, p in proposals.items() if p.get("amount")},
    )
    council = paris_day_at(SCIENTIFIC_COUNCIL_IN_DAYS, 17, now)
    members = paris_day_at(MEMBERS_COUNCIL_IN_DAYS, 17, now)
    reserve_rank = 0
    for row, outcome, amount in plan:
        proposal = proposals[row.application.pk]
        record_proposal(
            row.application,
            manager,
            outcome=outcome,
            amount=amount,
            motivation=join(motivation(call, row, outcome, len(rows)), proposal.get("note", "")),
            meeting_date=council.date(),
            now=council,
        )
    for row, outcome, amount in plan:
        proposal = proposals[row.application.pk]
        if outcome == Outcome.RESERVE:
            reserve_rank += 1
        record_decision(
            row.application,
            manager,
            outcome=outcome,
            body=Body.MEMBERS_COUNCIL,
            meeting_date=members.date(),
            amount=amount,
            conditions=join(conditions, proposal.get("conditions", ""))
            if outcome == Outcome.FUNDED
            else "",
            reserve_rank=reserve_rank if outcome == Outcome.RESERVE else None,
            motivation=join(
                motivation(call, row, outcome, len(rows)),
                "Le conseil des membres suit la proposition du conseil scientifique.",
            ),
            now=members,
        )


def motivation(call, row, outcome, count):
    """Why, in the words of the councils' minutes (in French, as staff write them); the letter
    says the rest (the amount, the rank on the reserve list)."""
    place = "1er" if row.rank == 1 else f"{row.rank}e"
    ranked = f"Projet classé {place} sur {count} ({french(row.score)}/20)."
    if outcome == Outcome.FUNDED:
        return f"{ranked} Financé dans la limite de l'enveloppe de l'appel."
    if outcome == Outcome.RESERVE:
        return f"{ranked} Projet de qualité, au-delà de ce que permet l'enveloppe de l'appel."
    threshold = call.total_threshold
    if row.failures and threshold is not None:
        return f"{ranked} Sous le seuil de {french(threshold)}/20 fixé par l'appel."
    return f"{ranked} Au-delà de la liste complémentaire."


def french(score):
    return format_score(score).replace(".", ",")


def join(*parts):
    return " ".join(part for part in parts if part)


def send_letters(call, manager):
    """The decision letter of each decided application that has none for its outcome yet."""
    return len(letters.send_letters(call, manager))


def decision_summary():
    """load_demo's report on the decided call and the envelopes."""
    call = Call.objects.get(slug=DECIDED_CALL)
    outcomes = dict(
        Decision.objects.filter(application__call=call)
        .values_list("outcome")
        .annotate(count=Count("pk"))
    )
    budget = call_budget(call)
    letters = Letter.objects.filter(decision__application__call=call).count()
    envelopes = Envelope.objects.aggregate(count=Count("pk"), total=Sum("amount"))
    return (
        f"Decided: {call.title_fr} ({call.get_absolute_url()}): "
        f"{outcomes.get(Outcome.FUNDED, 0)} funded ({budget.granted:,.0f} EUR of "
        f"{budget.envelope:,.0f}), {outcomes.get(Outcome.RESERVE, 0)} on the reserve list, "
        f"{outcomes.get(Outcome.REJECTED, 0)} rejected, {letters} letters sent; sign in as "
        "porteuse (funded) or porteur (reserve list, then funded) for the applicant's side. "
        f"{envelopes['count']} budget envelopes ({envelopes['total'] or 0:,.0f} EUR)."
    )
