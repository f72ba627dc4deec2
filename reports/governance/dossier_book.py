"""The dossier book: every application of a call under deliberation, as submitted (its frozen
snapshot), with its reviews (scores per criterion, comments, reviewers' names: council members
may know who reviewed) and its consensus report, in the ranking's order.

A book made for a council member leaves out the dossiers they may not read, as the dossier pages
do: those they are in conflict with, and those whose review they owe and have not submitted. It is
built from the ranking as they may see it, so that no score of those dossiers is even in its
context (reports.governance.readers says who may read a book once built).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from applications.models import Application, ApplicationState, Submission
from applications.snapshot import submitted_sections
from common.anonymity import anonymous_letter
from decisions.models import Decision
from reviews.dossiers import SubmittedFile, amount, budget_row, team_row
from reviews.models import Assignment, ConsensusScore, ReviewScore, ReviewState
from reviews.ranking import call_ranking, withheld_from

# Submitted and not set aside: what the council may be asked to read.
BOOK_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.ELIGIBLE,
    ApplicationState.IN_REVIEW,
    ApplicationState.DECIDED,
)


@dataclass
class BookEntry:
    application: Application
    anchor: str
    rank: int | None = None
    score: object = None
    mean: object = None
    withheld: bool = False
    dossier: dict = field(default_factory=dict)
    reviews: list = field(default_factory=list)
    consensus: object = None
    consensus_scores: list = field(default_factory=list)
    proposal: Decision | None = None


def dossier_book_context(call, reader=None, withheld=None):
    """withheld: {application id: why} of what `reader` may not read (readers.withheld_in),
    when the caller asked it first; else asked here."""
    applications = list(
        Application.objects.filter(call=call, state__in=BOOK_STATES)
        .select_related("lead", "consensus__rapporteur", "reply")
        .order_by("pk")
    )
    criteria = list(call.criteria.all())
    if withheld is None:
        withheld = withheld_from(reader, applications)
    ranking = {row.application.pk: row for row in call_ranking(call, reader, withheld)}
    snapshots = latest_snapshots(call)
    reviews = reviews_by_application(call, criteria)
    agreed = agreed_scores(call)
    proposals = {d.application_id: d for d in Decision.objects.filter(application__call=call)}
    entries = []
    for application in applications:
        row = ranking.get(application.pk)
        entry = BookEntry(
            application=application,
            anchor=f"dossier-{application.pk}",
            rank=row.rank if row else None,
            score=row.score if row else None,
            mean=row.mean if row else None,
            withheld=application.pk in withheld,
        )
        if not entry.withheld:
            entry.dossier = snapshot_view(snapshots.get(application.pk))
            entry.reviews = reviews.get(application.pk, [])
            entry.consensus = getattr(application, "consensus", None)
            if entry.consensus is not None:
                scores = agreed.get(entry.consensus.pk, {})
                entry.consensus_scores = [(c, scores.get(c.pk)) for c in criteria]
            entry.proposal = proposals.get(application.pk)
        entries.append(entry)
    entries.sort(key=lambda e: (e.rank is None, e.rank or 0, e.application.pk))
    return {
        "call": call,
        "criteria": criteria,
        "entries": entries,
        "withheld_count": len(withheld),
        "reader": reader,
    }


def latest_snapshots(call):
    """{application id: the content of its latest submission}, in one query."""
    latest = (
        Submission.objects.filter(application=OuterRef("application"))
        .order_by("-number")
        .values("number")[:1]
    )
    return dict(
        Submission.objects.filter(application__call=call, application__state__in=BOOK_STATES)
        .filter(number=Subquery(latest))
        .values_list("application_id", "content")
    )


def snapshot_view(content):
    """What the book shows of a submission: the form, the team, the budget, the file names
    (never the people the applicant asked to exclude)."""
    if content is None:
        return {}
    files = defaultdict(list)
    for item in content.get("attachments") or []:
        files[item.get("question_id")].append(
            SubmittedFile(name=item.get("name", ""), size=item.get("size") or 0, attachment_id=None)
        )
    budget = content.get("budget") or {}
    return {
        "title": content.get("title", ""),
        "received_at": content.get("received_at", ""),
        "lead_name": (content.get("lead") or {}).get("name", ""),
        "sections": submitted_sections(content, files),
        "team": [team_row(member) for member in content.get("team") or []],
        "budget_lines": [budget_row(line) for line in budget.get("lines") or []],
        "total_requested": amount(budget.get("total_requested")),
        "total_cofunding": amount(budget.get("total_cofunding")),
    }


def reviews_by_application(call, criteria):
    """{application id: [submitted review, with .letter, .reviewer, .criterion_scores]}, in the
    ranking's order of letters (A, B, C...), in two queries."""
    assignments = (
        Assignment.objects.filter(application__call=call, review__state=ReviewState.SUBMITTED)
        .select_related("review", "reviewer__institution")
        .order_by("application_id", "review__submitted_at", "review__pk")
    )
    by_application = defaultdict(list)
    reviews = {}
    for assignment in assignments:
        review = assignment.review
        review.reviewer = assignment.reviewer
        review.letter = anonymous_letter(len(by_application[assignment.application_id]))
        by_application[assignment.application_id].append(review)
        reviews[review.pk] = review
    scores = defaultdict(dict)
    for score in ReviewScore.objects.filter(
        review__assignment__application__call=call, review__state=ReviewState.SUBMITTED
    ):
        scores[score.review_id][score.criterion_id] = score
    for review_id, review in reviews.items():
        review.criterion_scores = [(c, scores[review_id].get(c.pk)) for c in criteria]
    return by_application


def agreed_scores(call):
    """{consensus report id: {criterion id: ConsensusScore}}, in one query."""
    agreed = defaultdict(dict)
    for score in ConsensusScore.objects.filter(report__application__call=call):
        agreed[score.report_id][score.criterion_id] = score
    return agreed
