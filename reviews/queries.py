"""Querysets of peer review that several rules and pages ask the same question with."""

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
