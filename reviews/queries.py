"""Querysets of peer review that several rules and pages ask the same question with."""

from django.db.models import Case, CharField, Exists, OuterRef, Value, When

from applications.models import Application
from applications.models import ApplicationState as State
from calls.models import CallPhase

from .models import Assignment, ReviewState


def reviews_owed_by(user):
    """The assignments `user` was asked to review (pending or accepted) and has not submitted:
    until they do, the dossier's other reviews and scores stay hidden from them. The one
    statement of it, for one application (reviews.rules' `reviews_it_unsubmitted`) and for many
    (reviews.ranking's `withheld_from`)."""
    return (
        Assignment.objects.active()
        .filter(reviewer_id=user.id)
        .exclude(review__state=ReviewState.SUBMITTED)
    )


def with_progress(calls):
    """`calls` annotated with how far their applications went once the call closed, which
    `Call.phase` reads: "in_review" from the first application screened eligible (review
    begins), "decided" once one is decided and none is still waiting for a decision (submitted,
    eligible or in review). Three EXISTS per call, in the same query as the calls."""
    of_call = Application.objects.filter(call=OuterRef("pk"))
    started = Exists(of_call.filter(state__in=State.under_review))
    decided = Exists(of_call.filter(state=State.DECIDED))
    pending = Exists(of_call.filter(state__in=(State.SUBMITTED, *State.reviewable)))
    return calls.annotate(
        progress=Case(
            When(decided & ~pending, then=Value(CallPhase.DECIDED.value)),
            When(started, then=Value(CallPhase.IN_REVIEW.value)),
            default=Value(""),
            output_field=CharField(),
        )
    )
