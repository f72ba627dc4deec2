"""The ranking of a call's reviewed applications, for the council and staff.

Each row: the reviews done and expected, the weighted mean and the spread, the reviews that
disagree, the consensus report (whose agreed score, once final, is the basis of the ranking),
the thresholds missed, and the rank, with ties broken by the call's rule. A fixed number of
queries whatever the number of applications.

Read by a council member, the rows of the dossiers they may not deliberate on (reviews.rules:
a conflict of interest, or their own review of it not submitted yet) keep their place and their
rank, so that the ranking everyone decides on stays one, but lose everything that came from the
reviews: scores, mean, spread, reviews done, consensus, thresholds, tie-break. The place itself
says something (the rows around it have their scores): that is the price of one shared ranking,
the same as in the dossier book's table of contents.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_programme_staff
from applications.models import Application, ApplicationState, BudgetLine
from calls.models import TieBreak
from common.anonymity import anonymous_letter

from .conflicts import ReviewerFacts, conflicts, dossier_facts
from .models import (
    AssignmentState,
    ConsensusScore,
    Review,
    ReviewScore,
    ReviewState,
)
from .queries import reviews_owed_by
from .scoring import threshold_failures

IN_CONFLICT = gettext_lazy("Withheld: conflict of interest")
REVIEW_OWED = gettext_lazy("Withheld until your review of it is submitted")


@dataclass
class ReviewMark:
    letter: str  # reviewers are anonymous on the ranking: A, B, C...
    score: Decimal
    recommendation: str
    disagrees: bool = False


@dataclass
class Row:
    application: Application
    done: int
    expected: int
    mean: Decimal | None
    spread: Decimal | None
    marks: list = field(default_factory=list)
    consensus: object = None
    score: Decimal | None = None  # the basis: the final consensus score, else the mean
    failures: list = field(default_factory=list)
    rank: int | None = None
    tie_broken: bool = False
    tie_value: object = None
    withheld: str = ""  # why its reader sees none of its scores (IN_CONFLICT, REVIEW_OWED)

    @property
    def disagreement(self):
        return any(mark.disagrees for mark in self.marks)

    @property
    def has_consensus(self):
        return self.consensus is not None and self.consensus.is_final

    @property
    def has_reply(self):
        reply = getattr(self.application, "reply", None)
        return bool(not self.withheld and reply and reply.text)

    def withhold(self, reason):
        """Keep the application, its rank and its amounts; forget what the reviews said."""
        self.withheld = reason
        self.done = self.expected = None
        self.mean = self.spread = self.score = None
        self.marks = []
        self.consensus = None
        self.failures = []
        self.tie_broken = False
        self.tie_value = None


def call_ranking(call, reader=None, withheld=None):
    """The rows of `call`'s ranking, best first; as `reader` may see them (see withhold()).
    withheld: what withheld_from(reader, ...) already said, when the caller asked it first."""
    criteria = list(call.criteria.all())
    main = max(criteria, key=lambda c: c.weight, default=None)  # the first of the heaviest
    requested = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("amount_requested"))
        .values("total")
    )
    submitted = Q(assignments__review__state=ReviewState.SUBMITTED)
    applications = (
        Application.objects.filter(call=call, state__in=ApplicationState.under_review)
        .select_related("lead", "consensus", "reply")
        .annotate(
            done=Count("assignments", filter=submitted),
            expected=Count(
                "assignments",
                filter=Q(assignments__state__in=AssignmentState.active) | submitted,
            ),
            mean=Avg("assignments__review__weighted_score", filter=submitted),
            requested=Coalesce(
                Subquery(requested, output_field=DecimalField(max_digits=14, decimal_places=2)),
                Decimal("0"),
            ),
        )
        .order_by("pk")
    )
    reviews = defaultdict(list)
    for review in (
        Review.objects.filter(assignment__application__call=call, state=ReviewState.SUBMITTED)
        .only("weighted_score", "recommendation", "assignment__application_id")
        .select_related("assignment")
        .order_by("assignment__application_id", "submitted_at", "pk")
    ):
        reviews[review.assignment.application_id].append(review)
    criterion_means = defaultdict(dict)
    for application_id, criterion_id, mean in (
        ReviewScore.objects.filter(
            review__assignment__application__call=call, review__state=ReviewState.SUBMITTED
        )
        .values("review__assignment__application_id", "criterion_id")
        .annotate(mean=Avg("score"))
        .values_list("review__assignment__application_id", "criterion_id", "mean")
    ):
        criterion_means[application_id][criterion_id] = mean
    agreed = defaultdict(dict)
    for application_id, criterion_id, score in ConsensusScore.objects.filter(
        report__application__call=call
    ).values_list("report__application_id", "criterion_id", "score"):
        agreed[application_id][criterion_id] = score

    rows = []
    for application in applications:
        consensus = getattr(application, "consensus", None)
        marks = _marks(reviews[application.pk], call.disagreement_gap)
        scores = [mark.score for mark in marks]
        row = Row(
            application=application,
            done=application.done,
            expected=application.expected,
            mean=_quantize(application.mean),
            spread=(max(scores) - min(scores)) if len(scores) > 1 else None,
            marks=marks,
            consensus=consensus,
        )
        if row.has_consensus:
            row.score = consensus.weighted_score
            basis = agreed[application.pk]
        else:
            row.score = row.mean
            basis = criterion_means[application.pk]
        row.failures = threshold_failures(call, criteria, basis, row.score)
        row.tie_value = _tie_value(call.tie_break, application, basis, main)
        rows.append(row)
    _rank(rows, call.tie_break)
    return withhold(rows, reader, withheld)


def withheld_from(reader, applications):
    """{application id: why `reader` may not read its reviews} for the `applications` they may
    not deliberate on: in conflict of interest with it (reviews.conflicts), or asked to review it
    and not submitted yet. The bulk form of reviews.rules' `deliberates`, for one reader and many
    applications, over the same facts (reviews.conflicts) and the same reviews owed
    (reviews.queries): a fixed number of queries. Nothing for staff, or for no reader (a report
    made from the command line)."""
    if reader is None or is_programme_staff(reader) or not applications:
        return {}
    person = ReviewerFacts.of(reader)
    withheld = {
        pk: IN_CONFLICT
        for pk, dossier in dossier_facts(applications).items()
        if conflicts(person, dossier)
    }
    owed = (
        reviews_owed_by(reader)
        .filter(application__in=[application.pk for application in applications])
        .values_list("application_id", flat=True)
    )
    for pk in owed:
        withheld.setdefault(pk, REVIEW_OWED)
    return withheld


def withhold(rows, reader, withheld=None):
    """The rows with those of the dossiers `reader` may not deliberate on withheld (`withheld`,
    else asked of withheld_from); the tie-break marks are set again among the rows they see, so
    that none tells a withheld score."""
    if withheld is None:
        withheld = withheld_from(reader, [row.application for row in rows])
    if not withheld:
        return rows
    for row in rows:
        if row.application.pk in withheld:
            row.withhold(withheld[row.application.pk])
    seen = [row for row in rows if row.rank and not row.withheld]
    for row in seen:
        row.tie_broken = False
    for previous, row in zip(seen, seen[1:], strict=False):
        if previous.score == row.score:
            previous.tie_broken = row.tie_broken = True
    return rows


def _quantize(value):
    return Decimal(value).quantize(Decimal("0.01")) if value is not None else None


def _marks(reviews, gap):
    """Anonymous marks; a review disagrees when further than `gap` from the others' mean."""
    marks = [
        ReviewMark(
            letter=anonymous_letter(i), score=r.weighted_score, recommendation=r.recommendation
        )
        for i, r in enumerate(reviews)
        if r.weighted_score is not None
    ]
    if len(marks) > 1:
        for mark in marks:
            others = [other.score for other in marks if other is not mark]
            mark.disagrees = abs(mark.score - sum(others) / len(others)) > gap
    return marks


def _tie_value(rule, application, basis, main):
    """A value where higher ranks first, for the call's tie-break rule."""
    if rule == TieBreak.LOWER_REQUEST:
        return -application.requested
    if rule == TieBreak.EARLIER_SUBMISSION:
        submitted = application.submitted_at
        return -submitted.timestamp() if submitted else float("-inf")
    value = basis.get(main.pk) if main else None
    return value if value is not None else Decimal("-1")


def _rank(rows, rule):
    """Sort best first; equal scores are ordered by the tie-break value, and marked."""
    rows.sort(
        key=lambda row: (
            row.score is not None,
            row.score or Decimal("0"),
            row.tie_value,
            -row.application.pk,
        ),
        reverse=True,
    )
    ranked = [row for row in rows if row.score is not None]
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    for previous, row in zip(ranked, ranked[1:], strict=False):
        if previous.score == row.score:
            previous.tie_broken = row.tie_broken = True


def tie_break_rule(call):
    """The rule as the ranking page states it."""
    return _("Equal scores are ordered by: %(rule)s.") % {"rule": call.get_tie_break_display()}
