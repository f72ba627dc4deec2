"""Matching reviewers to dossiers (reviews.matching): a plan built from plain facts, no database."""

import pytest

from reviews.conflicts import DossierFacts, ReviewerFacts
from reviews.matching import (
    ALL_AT_MAXIMUM,
    TOO_FEW_WITHOUT_CONFLICT,
    Candidate,
    Dossier,
    plan_assignments,
)

pytestmark = pytest.mark.unit


def plain_dossier(pk, needed=2, disciplines=(), keywords=(), lead_id=None, conflicted=()):
    """A dossier to plan, in conflict with the reviewers `conflicted` (ids) as if they had
    declared it."""
    facts = DossierFacts(lead_id=lead_id or -pk, declared_by=set(conflicted))
    return Dossier(
        id=pk,
        facts=facts,
        disciplines=frozenset(disciplines),
        keywords=frozenset(keywords),
        title=f"Projet {pk}",
        needed=needed,
    )


def plain_candidate(pk, max_load=3, disciplines=(), keywords=(), institution_id=None, load=0):
    facts = ReviewerFacts(
        id=pk,
        email=f"r{pk}@example.org",
        name=f"r {pk}",
        orcid="",
        institution_id=institution_id,
        institution_name="",
    )
    return Candidate(
        facts=facts,
        disciplines=frozenset(disciplines),
        keywords=frozenset(keywords),
        max_load=max_load,
        load=load,
    )


def test_the_plan_gives_n_reviewers_each_without_conflict_within_maxima():
    dossiers = [
        plain_dossier(pk, needed=3, conflicted=[r for r in range(1, 21) if r % 4 == pk % 4])
        for pk in range(1, 41)
    ]
    candidates = [plain_candidate(pk, max_load=7, institution_id=pk % 4) for pk in range(1, 21)]
    plan = plan_assignments(dossiers, candidates)
    per_dossier, per_reviewer = {}, {}
    for application_id, reviewer_id, _score in plan.pairs:
        per_dossier.setdefault(application_id, set()).add(reviewer_id)
        per_reviewer[reviewer_id] = per_reviewer.get(reviewer_id, 0) + 1
        assert application_id % 4 != reviewer_id % 4, "in conflict"
    assert all(len(reviewers) == 3 for reviewers in per_dossier.values())
    assert len(per_dossier) == 40 and not plan.uncovered
    assert max(per_reviewer.values()) <= 7
    # Balanced: 120 places over 20 reviewers, 6 each.
    assert set(per_reviewer.values()) == {6}


def test_the_plan_prefers_expertise_and_is_deterministic():
    dossiers = [
        plain_dossier(1, needed=1, disciplines=[10], keywords=["iiif"]),
        plain_dossier(2, needed=1, keywords=["archives du web"]),
    ]

    def candidates():
        return [
            plain_candidate(5),
            plain_candidate(6, disciplines=[10], keywords=["iiif"]),
            plain_candidate(7, keywords=["archives du web"]),
        ]

    plan = plan_assignments(dossiers, candidates())
    assert plan.pairs == [(1, 6, 5), (2, 7, 2)]
    assert plan_assignments(list(reversed(dossiers)), candidates()[::-1]).pairs == plan.pairs


def test_the_plan_says_what_it_could_not_cover_and_why():
    dossiers = [plain_dossier(1, needed=2, conflicted=[1]), plain_dossier(2, needed=2)]
    candidates = [plain_candidate(1, institution_id=1, max_load=5), plain_candidate(2, max_load=1)]
    plan = plan_assignments(dossiers, candidates)
    uncovered = {application_id: (missing, why) for application_id, missing, why in plan.uncovered}
    assert uncovered[1] == (1, TOO_FEW_WITHOUT_CONFLICT)
    assert uncovered[2][1] == ALL_AT_MAXIMUM


def test_the_plan_counts_existing_assignments_and_never_asks_twice():
    dossier = plain_dossier(1, needed=1)
    dossier.assigned = {5}
    plan = plan_assignments([dossier], [plain_candidate(5), plain_candidate(6, load=3)])
    assert plan.pairs == [] and plan.uncovered == [(1, 1, ALL_AT_MAXIMUM)]
