"""A reviewer's review: saved as a draft, submitted (then locked), reopened by staff; its state
moves only along the table REVIEW, through common.transitions.perform."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.facts import person_facts
from applications import audit
from applications.facts import application_and_call, application_facts
from applications.models import AuditSubject
from common.permissions import require
from common.transitions import Move, Workflow, perform
from notifications.events import Event
from notifications.services import notify

from .assignments import staff_to_tell
from .errors import ReviewError
from .facts import assignment_facts
from .models import Assignment, AssignmentState, Review, ReviewScore, ReviewState
from .scoring import parse_scores, weighted_score


def record_move(review, actor, action, previous, target, reason):
    """A review's move in its application's trail; the row names the reviewer when someone else
    made it (staff reopening)."""
    assignment = review.assignment
    if getattr(actor, "pk", None) != assignment.reviewer_id:
        reason = audit.about_reviewer(assignment.reviewer, reason)
    return audit.record(
        assignment.application_id, actor, AuditSubject.REVIEW, action, previous, target, reason
    )


LOCKED = gettext_lazy("This review is submitted and locked. Ask the programme team to reopen it.")
# action: the states it may start from, the state it leads to, the rule that says who and when
# (asked about the review's assignment).
REVIEW = Workflow(
    states=ReviewState,
    initial={ReviewState.DRAFT},
    moves={
        "submit": Move({ReviewState.DRAFT}, ReviewState.SUBMITTED, "reviews.write_review", LOCKED),
        # Staff, from the assignments board (its view asks reviews.manage_assignments).
        "reopen": Move(
            {ReviewState.SUBMITTED},
            ReviewState.DRAFT,
            None,
            gettext_lazy("Only a submitted review can be reopened."),
        ),
    },
    error=ReviewError,
    record=record_move,
    changes=lambda: {"updated_at": timezone.now()},
    rule_object=lambda review: review.assignment,
)


def review_of(assignment):
    """The assignment's review with a score row per criterion (created on first access)."""
    review, _created = Review.objects.get_or_create(assignment=assignment)
    criteria = list(assignment.application.call.criteria.all())
    existing = set(review.scores.values_list("criterion_id", flat=True))
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion=criterion)
        for criterion in criteria
        if criterion.pk not in existing
    )
    return review


def _locked_review(assignment, reviewer):
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("application__call")
        .get(pk=assignment.pk)
    )
    review = review_of(assignment)
    assignment.review = review
    require(
        reviewer, "reviews.write_review", assignment, ReviewError, why_not(assignment, reviewer)
    )
    return assignment, review


def why_not(assignment, reviewer):
    """Why `reviewer` may not write the review of `assignment` now."""
    if assignment.reviewer_id != reviewer.pk:
        return _("This assignment is not yours.")
    if assignment.state != AssignmentState.ACCEPTED:
        return _("Accept the assignment and declare your interests first.")
    return _("This review is submitted and locked. Ask the programme team to reopen it.")


def save_review(assignment, reviewer, data):
    """Save the reviewer's draft; incomplete is fine, invalid is not. Returns the review.

    data: {"scores": {criterion id: (raw score, comment)}, "comment_for_applicant",
           "confidential_comment", "recommendation"}
    """
    with transaction.atomic():
        assignment, review = _locked_review(assignment, reviewer)
        _write(assignment, review, data)
    return review


def submit_review(assignment, reviewer, data, now=None):
    """Save, check that everything is given, then lock the review and tell staff."""
    with transaction.atomic():
        assignment, review = _locked_review(assignment, reviewer)
        scores = _write(assignment, review, data)
        problems = {}
        for criterion in assignment.application.call.criteria.all():
            if scores.get(criterion.pk) is None:
                problems[f"score_{criterion.pk}"] = [_("Score this criterion.")]
        if not review.comment_for_applicant:
            problems["comment_for_applicant"] = [_("Write a comment for the applicant.")]
        if not review.recommendation:
            problems["recommendation"] = [_("Choose a recommendation.")]
        if not problems:
            review.assignment = assignment  # the one the rule read, with its review
            perform(
                review,
                "submit",
                reviewer,
                REVIEW,
                changes={"submitted_at": now or timezone.now()},
                why_not=lambda review, reviewer: why_not(review.assignment, reviewer),
                notify=lambda review: tell_staff(review.assignment, reviewer),
            )
    if problems:  # the draft is saved; only the submission is refused
        raise ReviewIncomplete(problems, review)
    return review


def tell_staff(assignment, reviewer):
    """Who assigned the review learns that it is in."""
    application = assignment.application
    notify(
        Event.REVIEW_SUBMITTED,
        staff_to_tell(assignment),
        {
            "assignment": assignment_facts(assignment),
            "application": application_facts(application),
            "reviewer": person_facts(reviewer),
        },
        url=reverse("reviews:dossier", args=[application.pk]),
    )


class ReviewIncomplete(ReviewError):
    """Submission refused: the draft was saved, `problems` says what is missing."""

    def __init__(self, problems, review):
        super().__init__(_("The review is saved but not submitted: complete it first."), problems)
        self.review = review


def _write(assignment, review, data):
    call = assignment.application.call
    criteria = {criterion.pk: criterion for criterion in call.criteria.all()}
    parsed, problems = parse_scores(call, criteria, data.get("scores"))
    recommendation = data.get("recommendation") or ""
    if problems:
        raise ReviewError(_("The review was not saved: correct the scores marked below."), problems)
    rows = {row.criterion_id: row for row in review.scores.all()}
    for criterion_id, (value, comment) in parsed.items():
        row = rows[criterion_id]
        row.score, row.comment = value, comment
    ReviewScore.objects.bulk_update(rows.values(), ["score", "comment"])
    scores = {criterion_id: row.score for criterion_id, row in rows.items()}
    review.comment_for_applicant = (data.get("comment_for_applicant") or "").strip()
    review.confidential_comment = (data.get("confidential_comment") or "").strip()
    review.recommendation = recommendation
    review.weighted_score = weighted_score(criteria.values(), scores)
    review.save(
        update_fields=[
            "comment_for_applicant",
            "confidential_comment",
            "recommendation",
            "weighted_score",
            "updated_at",
        ]
    )
    return scores


def reopen_review(review, actor, reason):
    """Staff unlock a submitted review so that its reviewer can change it, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(
            _("Say why the review is reopened."), {"reason": [_("This field is required.")]}
        )
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("assignment__reviewer", "assignment__application__call")
            .get(pk=review.pk)
        )
        return perform(
            review,
            "reopen",
            actor,
            REVIEW,
            reason=reason,
            changes={"reopened_at": timezone.now(), "reopen_reason": reason, "reopened_by": actor},
            notify=lambda review: tell_reviewer(review.assignment, reason),
        )


def tell_reviewer(assignment, reason):
    """The reviewer learns that their review is open again, and why."""
    notify(
        Event.REVIEW_REOPENED,
        [assignment.reviewer],
        {
            "assignment": assignment_facts(assignment),
            **application_and_call(assignment.application),
            "reason": reason,
        },
        url=reverse("reviews:assignment", args=[assignment.pk]),
    )
