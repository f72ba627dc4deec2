"""What a person did on the platform, as plain values for the files of their export: their reviews
(reviewers), what they recorded (staff), the messages written to them and the log of their
personal data requests. Same conventions as privacy.export_data: stable English keys, labels in
the active language, a fixed number of queries per file.

A reviewer's file names the applications they reviewed (reference and title), never another
reviewer; a staff member's names what they did by the application's reference only.
"""

from django.db.models import Prefetch, Q

from decisions.models import Decision, Letter
from notifications.models import Delivery, Message
from reviews.models import (
    Assignment,
    ConsensusReport,
    EligibilityScreening,
    Invitation,
    ReviewScore,
    TeamClaim,
)

from .models import PrivacyEvent


def reviews(user):
    """Everything about `user` as a reviewer; None when they never were one."""
    assignments = list(
        Assignment.objects.filter(reviewer=user)
        .select_related("application__call", "review")
        .prefetch_related(
            "declarations",
            Prefetch("review__scores", queryset=ReviewScore.objects.select_related("criterion")),
        )
        .order_by("created_at", "pk")
    )
    invitations = list(
        Invitation.objects.filter(accepted_by=user).select_related("call").order_by("pk")
    )
    reports = list(
        ConsensusReport.objects.filter(rapporteur=user)
        .select_related("application")
        .order_by("application_id")
    )
    claims = list(
        TeamClaim.objects.filter(reviewer=user).select_related("application").order_by("pk")
    )
    if not (assignments or invitations or reports or claims):
        return None
    return {
        "invitations_accepted": [
            {
                "call": str(row.call) if row.call_id else "",
                "message": row.message,
                "invited_at": row.created_at,
                "accepted_at": row.accepted_at,
            }
            for row in invitations
        ],
        "assignments": [assignment_entry(row) for row in assignments],
        "consensus_reports_as_rapporteur": [
            {
                "application": row.application.reference,
                "title": row.application.title,
                "majority_view": row.majority_view,
                "minority_view": row.minority_view,
                "comment_for_the_applicant": row.comment_for_applicant,
                "recommendation": row.get_recommendation_display(),
                "agreed_score": row.weighted_score,
                "finalised_at": row.finalised_at,
            }
            for row in reports
        ],
        "conflicts_named_by_teams": [
            {
                "application": row.application.reference,
                "in_common": row.basis_labels,
                "state": row.get_state_display(),
                "found_at": row.found_at,
            }
            for row in claims
        ],
    }


def assignment_entry(assignment):
    review = getattr(assignment, "review", None)
    return {
        "application": assignment.application.reference,
        "title": assignment.application.title,
        "call": str(assignment.application.call),
        "state": assignment.get_state_display(),
        "assigned_at": assignment.created_at,
        "due_at": assignment.due_at,
        "answered_at": assignment.responded_at,
        "your_note": assignment.note,
        "conflict_declarations": [
            {
                "conflict_of_interest": row.has_conflict,
                "reason": row.reason,
                "declared_at": row.declared_at,
            }
            for row in assignment.declarations.all()
        ],
        "review": review_entry(review) if review is not None else None,
    }


def review_entry(review):
    return {
        "state": review.get_state_display(),
        "recommendation": review.get_recommendation_display(),
        "score_out_of_20": review.weighted_score,
        "comment_for_the_applicant": review.comment_for_applicant,
        "confidential_comment": review.confidential_comment,
        "submitted_at": review.submitted_at,
        "scores": [
            {"criterion": str(row.criterion), "score": row.score, "comment": row.comment}
            for row in review.scores.all()
        ],
    }


def staff_actions(user):
    """What `user` recorded as programme staff, by application reference; None if nothing."""
    decided = Decision.objects.filter(decided_by=user).select_related("application")
    proposed = Decision.objects.filter(proposed_by=user).select_related("application")
    letters = Letter.objects.filter(sent_by=user).select_related("decision__application")
    screenings = EligibilityScreening.objects.filter(screened_by=user).select_related("application")
    actions = {
        "decisions_recorded": [
            {
                "application": row.application.reference,
                "decision": row.get_outcome_display(),
                "recorded_at": row.decided_at,
            }
            for row in decided.order_by("decided_at", "pk")
        ],
        "proposals_recorded": [
            {
                "application": row.application.reference,
                "proposal": row.get_proposed_outcome_display(),
                "recorded_at": row.proposed_at,
            }
            for row in proposed.order_by("proposed_at", "pk")
        ],
        "letters_sent": [
            {
                "application": row.decision.application.reference,
                "decision": row.get_outcome_display(),
                "language": row.language,
                "sent_at": row.sent_at,
            }
            for row in letters.order_by("sent_at", "pk")
        ],
        "eligibility_screenings": [
            {
                "application": row.application.reference,
                "eligible": row.eligible,
                "screened_at": row.screened_at,
            }
            for row in screenings.order_by("screened_at", "pk")
        ],
    }
    return actions if any(actions.values()) else None


def messages(user):
    """The messages written to `user` (inbox and e-mail), and the account e-mails sent to their
    address (confirmations, password resets: in nobody's inbox), as they can read them: a
    personal link shows as its mark, never the link itself (notifications.sealing)."""
    to_address = Q(user__isnull=True, email__iexact=user.email)
    rows = (
        Message.objects.filter(Q(user=user) | to_address)
        .defer("sealed_text", "sealed_html", "html")
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    return [
        {
            "kind": message.get_event_display(),
            "subject": message.subject,
            "text": message.text,
            "link": message.url,
            "language": message.language,
            "written_at": message.created_at,
            "read_at": message.read_at,
            "emails": [
                {
                    "to": delivery.to,
                    "state": delivery.get_state_display(),
                    "sent_at": delivery.sent_at,
                }
                for delivery in message.deliveries.all()
            ],
        }
        for message in rows
    ]


def privacy_log(user):
    """The exports and erasure requests of `user`, this export included."""
    return [
        {"event": row.get_kind_display(), "at": row.at, "by_you": row.actor_id == user.pk}
        for row in PrivacyEvent.objects.filter(person=user).order_by("at", "pk")
    ]
