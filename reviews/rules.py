"""Who may do what in peer review, and when: the one place that says it (django-rules).

Each permission that changes something states the person and the moment together (a review is
written by its accepted reviewer until it is submitted; a reply by the lead while the reply
phase is open; a consensus report by its rapporteur or staff until it is final), and the
service that acts asks the same rule. Views ask `user.has_perm("reviews.<name>", obj)` to show
or hide, and answer 404 when refused on an object, so that nobody learns what they may not see.
Reviewers see only their assigned, non-conflicted dossiers; applicants never see who reviewed.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import is_council_member, is_programme_staff, is_reviewer
from applications.models import ApplicationState
from applications.rules import is_lead, moment_of

from .conflicts import conflicts_between
from .models import AssignmentState
from .queries import reviews_owed_by


@rules.predicate
def is_assignee(user, assignment):
    return assignment is not None and assignment.reviewer_id == user.id


@rules.predicate
def is_pending(user, assignment):
    return assignment.state == AssignmentState.PENDING


@rules.predicate
def is_accepted(user, assignment):
    return assignment.state == AssignmentState.ACCEPTED


@rules.predicate
def has_submitted_review(user, assignment):
    review = getattr(assignment, "review", None)
    return review is not None and review.is_submitted


@rules.predicate
def call_shows_other_reviews(user, assignment):
    return assignment.application.call.reviewers_see_other_reviews


@rules.predicate
def is_rapporteur(user, application):
    report = getattr(application, "consensus", None)
    return report is not None and report.rapporteur_id == user.id


@rules.predicate
def reviews_accepted_dossier(user, application):
    """A reviewer who accepted this application (no conflict declared)."""
    return application.assignments.filter(
        reviewer_id=user.id, state=AssignmentState.ACCEPTED
    ).exists()


@rules.predicate
def is_under_review(user, application):
    return application.state in ApplicationState.under_review


@rules.predicate
def is_screenable(user, application):
    return application.state in ApplicationState.screenable


@rules.predicate
def is_in_review(user, application):
    return application.state == ApplicationState.IN_REVIEW


@rules.predicate
def reply_phase_is_open(user, application):
    """The call's reply phase, at the moment the rule is judged at (applications.rules)."""
    return application.call.reply_phase_open(moment_of(application))


@rules.predicate
def consensus_is_final(user, application):
    report = getattr(application, "consensus", None)
    return report is not None and report.is_final


@rules.predicate
def in_conflict_with(user, application):
    """Team member, same institution, excluded by the applicant, or a declared conflict."""
    return bool(conflicts_between(user, application))


@rules.predicate
def reviews_it_unsubmitted(user, application):
    """Asked to review it and not submitted yet: the others' reviews stay hidden until then."""
    return reviews_owed_by(user).filter(application=application).exists()


# Council members and the rapporteur deliberate only where they have no conflict of interest, and
# once their own review (if they were asked for one) is in.
deliberates = ~in_conflict_with & ~reviews_it_unsubmitted

# Staff screen, assign, reopen; the council and staff deliberate.
rules.add_perm("reviews.screen_applications", is_programme_staff)
rules.add_perm("reviews.screen_application", is_programme_staff & is_screenable)
rules.add_perm("reviews.manage_assignments", is_programme_staff)
rules.add_perm("reviews.manage_reviewers", is_programme_staff)
rules.add_perm("reviews.open_ranking", is_programme_staff | is_council_member)
# Their list of the calls they run, the way into each call's pages.
rules.add_perm("reviews.open_management", is_programme_staff | is_council_member)
# The rapporteur reads the dossier's reviews to write its consensus report.
rules.add_perm(
    "reviews.read_reviews",
    is_under_review & (is_programme_staff | ((is_council_member | is_rapporteur) & deliberates)),
)
prepares_consensus = is_under_review & (is_programme_staff | (is_rapporteur & deliberates))
rules.add_perm("reviews.prepare_consensus", prepares_consensus)
rules.add_perm("reviews.write_consensus", prepares_consensus & ~consensus_is_final)
rules.add_perm(
    "reviews.choose_rapporteur", is_programme_staff & is_under_review & ~consensus_is_final
)
rules.add_perm("reviews.reopen_consensus", is_programme_staff & consensus_is_final)

# Reviewers, on an assignment.
rules.add_perm("reviews.see_dashboard", is_reviewer)
rules.add_perm("reviews.answer_assignment", is_reviewer & is_assignee & is_pending)
rules.add_perm("reviews.open_dossier", is_reviewer & is_assignee & is_accepted)
rules.add_perm(
    "reviews.write_review", is_reviewer & is_assignee & is_accepted & ~has_submitted_review
)
rules.add_perm(
    "reviews.see_other_reviews",
    is_reviewer & is_assignee & is_accepted & has_submitted_review & call_shows_other_reviews,
)
# Replies: the lead writes while the phase is open; staff, the council and the dossier's
# reviewers read.
rules.add_perm("reviews.answer_reviews", is_lead)
rules.add_perm("reviews.write_reply", is_lead & is_in_review & reply_phase_is_open)
rules.add_perm(
    "reviews.open_reply", is_programme_staff | is_council_member | reviews_accepted_dossier
)


def assignment_or_404(user, pk, permission):
    """The assignment with its application and call if `user` has `permission` on it."""
    from .models import Assignment

    assignment = get_object_or_404(
        Assignment.objects.select_related("application__call", "application__lead", "reviewer"),
        pk=pk,
    )
    if not user.has_perm(permission, assignment):
        raise Http404
    return assignment
