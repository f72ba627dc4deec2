"""Automatic assignment: N reviewers per application, best expertise first, no conflicts, loads
balanced within each reviewer's maximum.

Pure functions over plain data, so that the same input always gives the same plan and the rules
can be tested without a database. reviews.assignments loads the data and applies the plan.
"""

import math
import re
from dataclasses import dataclass, field

from .conflicts import conflicts

DISCIPLINE_WEIGHT = 3
KEYWORD_WEIGHT = 2
TITLE_WEIGHT = 1

# Uncovered: why an application did not get all its reviewers.
TOO_FEW_WITHOUT_CONFLICT = "too_few_without_conflict"
ALL_AT_MAXIMUM = "all_at_maximum"


@dataclass
class Candidate:
    """A reviewer who may be assigned: facts for conflicts, expertise, remaining capacity."""

    facts: object  # conflicts.ReviewerFacts
    disciplines: frozenset
    keywords: frozenset
    max_load: int
    load: int = 0  # active assignments in this call, before and during planning

    @property
    def id(self):
        return self.facts.id


@dataclass
class Dossier:
    """An application to cover: facts for conflicts, expertise, how many reviewers it lacks."""

    id: int
    facts: object  # conflicts.DossierFacts
    disciplines: frozenset
    keywords: frozenset
    title: str
    needed: int
    assigned: set = field(default_factory=set)  # reviewers already asked, whatever they answered

    @property
    def padded_title(self):
        """The title's words, lower case, between spaces: a keyword matches as " word "."""
        if not hasattr(self, "_padded"):
            self._padded = " " + " ".join(re.findall(r"\w+", self.title.lower())) + " "
        return self._padded


@dataclass
class Plan:
    pairs: list  # [(application id, reviewer id, match score)]
    uncovered: list  # [(application id, missing, reason)]


def match_score(candidate, dossier):
    """How well a reviewer's expertise fits an application: shared disciplines and keywords."""
    score = DISCIPLINE_WEIGHT * len(candidate.disciplines & dossier.disciplines)
    score += KEYWORD_WEIGHT * len(candidate.keywords & dossier.keywords)
    title = dossier.padded_title
    score += TITLE_WEIGHT * sum(
        1 for keyword in candidate.keywords - dossier.keywords if f" {keyword} " in title
    )
    return score


def plan_assignments(dossiers, candidates):
    """Choose reviewers for each dossier's missing places. Deterministic for the same input.

    Round by round (one place per dossier per round, the most constrained dossiers first), each
    place goes to the candidate with the best match, then the lowest load, then the lowest id,
    among those without a conflict and under their maximum. A candidate over the balanced share
    (all places spread evenly) is taken only when nobody under it fits.
    """
    candidates = sorted(candidates, key=lambda c: c.id)
    dossiers = sorted(dossiers, key=lambda d: d.id)
    options = {}  # dossier id -> [(score, candidate)] without conflict, not yet asked
    for dossier in dossiers:
        options[dossier.id] = [
            (match_score(candidate, dossier), candidate)
            for candidate in candidates
            if candidate.id not in dossier.assigned
            and not conflicts(candidate.facts, dossier.facts)
        ]
    places = sum(max(dossier.needed, 0) for dossier in dossiers)
    available = [c for c in candidates if c.max_load > c.load]
    share = (
        math.ceil((places + sum(c.load for c in available)) / len(available)) if available else 0
    )
    order = sorted(dossiers, key=lambda d: (len(options[d.id]), d.id))
    missing = {dossier.id: max(dossier.needed, 0) for dossier in dossiers}
    pairs = []
    for _round in range(max(missing.values(), default=0)):
        for dossier in order:
            if not missing[dossier.id]:
                continue
            free = [(score, c) for score, c in options[dossier.id] if c.load < c.max_load]
            balanced = [(score, c) for score, c in free if c.load < share] or free
            if not balanced:
                continue
            score, chosen = min(
                balanced, key=lambda option: (-option[0], option[1].load, option[1].id)
            )
            chosen.load += 1
            missing[dossier.id] -= 1
            options[dossier.id] = [(s, c) for s, c in options[dossier.id] if c is not chosen]
            pairs.append((dossier.id, chosen.id, score))
    uncovered = []
    for dossier in dossiers:
        if missing[dossier.id]:
            without_conflict = len(options[dossier.id]) + (
                max(dossier.needed, 0) - missing[dossier.id]
            )
            reason = (
                TOO_FEW_WITHOUT_CONFLICT
                if without_conflict < max(dossier.needed, 0)
                else ALL_AT_MAXIMUM
            )
            uncovered.append((dossier.id, missing[dossier.id], reason))
    pairs.sort()
    return Plan(pairs=pairs, uncovered=uncovered)
