"""Assigning reviewers: by hand, or by an automatic proposal that staff approve; reviewers accept,
decline or declare a conflict of interest. One function per change; an assignment's state moves
only along the table ASSIGNMENT, through common.transitions.perform."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.facts import person_facts
from accounts.roles import Role
from applications import audit
from applications.facts import application_facts
from applications.models import Application, ApplicationState, AuditSubject
from applications.services import APPLICATION, locked
from common.transitions import Move, Workflow, perform, perform_many
from notifications.events import Event
from notifications.services import notify

from .claims import record_claims
from .conflicts import ReviewerFacts, awaits_ruling, conflicts, dossier_facts
from .errors import ReviewError
from .facts import assignment_facts, assignments_context
from .matching import Candidate, Dossier, match_score, plan_assignments
from .models import (
    Assignment,
    AssignmentProposal,
    AssignmentState,
    ConflictDeclaration,
    ReviewerProfile,
    keyword_set,
)

DEFAULT_DELAY = dt.timedelta(weeks=3)

State = AssignmentState


def record_move(assignment, actor, action, previous, target, reason):
    """An assignment's move in its application's trail; the row names the reviewer when someone
    else made it (staff cancelling)."""
    if getattr(actor, "pk", None) != assignment.reviewer_id:
        reason = audit.about_reviewer(assignment.reviewer, reason)
    return audit.record(
        assignment.application_id, actor, AuditSubject.ASSIGNMENT, action, previous, target, reason
    )


CANNOT_MOVE = gettext_lazy("This assignment is %(state)s: it cannot change this way.")
# action: the states it may start from, the state it leads to, the rule that says who and when.
ASSIGNMENT = Workflow(
    states=State,
    initial={State.PENDING},
    moves={
        "accept": Move({State.PENDING}, State.ACCEPTED, "reviews.answer_assignment", CANNOT_MOVE),
        "decline": Move({State.PENDING}, State.DECLINED, "reviews.answer_assignment", CANNOT_MOVE),
        # Its own reviewer only (declare_conflict), before the review is submitted.
        "recuse": Move({State.PENDING, State.ACCEPTED}, State.RECUSED, None, CANNOT_MOVE),
        "cancel": Move(
            {State.PENDING, State.ACCEPTED},
            State.CANCELLED,
            "reviews.manage_assignments",
            CANNOT_MOVE,
        ),
    },
    error=ReviewError,
    record=record_move,
    changes=lambda: {"responded_at": timezone.now()},
)

# Why a reviewer is not assigned, by hand or from a proposal, while a claim on them waits.
AWAITS_RULING = gettext_lazy(
    "The team names this reviewer beyond the exclusions the call allows, and nobody has ruled on "
    "it yet: confirm the conflict or dismiss the claim first."
)


def due_date(call, now=None):
    now = now or timezone.now()
    return (
        call.reviews_due_at
        if call.reviews_due_at and call.reviews_due_at > now
        else (now + DEFAULT_DELAY)
    )


def reviewers():
    """Active users with the reviewer role and a profile."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=Role.REVIEWER.value, reviewer_profile__isnull=False
        )
        .select_related("institution", "reviewer_profile")
        .distinct()
    )


def call_loads(call):
    """{reviewer id: active assignments in `call`}."""
    return dict(
        Assignment.objects.active()
        .filter(application__call=call)
        .values("reviewer")
        .annotate(n=Count("pk"))
        .values_list("reviewer", "n")
    )


def candidates_for(call):
    """Every reviewer, with expertise, maximum and current load in `call`, in three queries."""
    loads = call_loads(call)
    users = reviewers().prefetch_related("reviewer_profile__disciplines")
    return [
        Candidate(
            facts=ReviewerFacts.of(user),
            disciplines=frozenset(d.pk for d in user.reviewer_profile.disciplines.all()),
            keywords=frozenset(user.reviewer_profile.keyword_set),
            max_load=user.reviewer_profile.max_load,
            load=loads.get(user.pk, 0),
        )
        for user in users
    ]


def dossiers_for(call, facts=None):
    """Every reviewable application of `call`, with what it lacks and who was already asked;
    `facts`, their dossier_facts, when the caller has them already."""
    applications = list(
        Application.objects.filter(call=call, state__in=ApplicationState.reviewable)
        .only("pk", "lead_id", "title", "keywords", "call_id")
        .prefetch_related("disciplines")
        .annotate(
            active=Count("assignments", filter=Q(assignments__state__in=AssignmentState.active))
        )
    )
    if facts is None or not set(facts) >= {application.pk for application in applications}:
        facts = dossier_facts(applications)
    asked = {}
    for application_id, reviewer_id in Assignment.objects.filter(
        application__call=call
    ).values_list("application_id", "reviewer_id"):
        asked.setdefault(application_id, set()).add(reviewer_id)
    return [
        Dossier(
            id=application.pk,
            facts=facts[application.pk],
            disciplines=frozenset(d.pk for d in application.disciplines.all()),
            keywords=frozenset(keyword_set(application.keywords)),
            title=application.title,
            needed=call.reviewers_per_application - application.active,
            assigned=asked.get(application.pk, set()),
        )
        for application in applications
    ]


def propose_assignments(call, actor):
    """Plan the missing places of every reviewable application; saved for staff to approve.
    The team's claims are recorded first: those that count are conflicts; the others are shown
    beside the reviewers proposed, for staff to confirm or dismiss (reviews.claims)."""
    reviewable = Application.objects.filter(call=call, state__in=ApplicationState.reviewable).only(
        "pk"
    )
    facts = dossier_facts(reviewable)
    if record_claims(reviewable, actor, facts=facts):
        facts = dossier_facts(reviewable)
    plan = plan_assignments(dossiers_for(call, facts), candidates_for(call))
    return AssignmentProposal.objects.create(
        call=call,
        created_by=actor,
        pairs=[list(pair) for pair in plan.pairs],
        uncovered=[list(row) for row in plan.uncovered],
    )


def apply_proposal(proposal, actor, now=None):
    """Create the proposal's assignments in one transaction, checking each pair again.

    Returns (created assignments, skipped pairs with the reason): anything that changed since
    the proposal (a new conflict, a reviewer at their maximum, a dossier withdrawn) is skipped,
    and so is a reviewer whom the team names and on whom staff have not ruled yet.
    """
    now = now or timezone.now()
    call = proposal.call
    with transaction.atomic():
        proposal = AssignmentProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.applied_at:
            raise ReviewError(_("This proposal has already been applied."))
        # Lock the call's reviewable applications before reading them: a screening, a hand
        # assignment or another proposal on them waits, and what follows reads them as they are.
        reviewable = list(
            Application.objects.select_for_update()
            .filter(call=call, state__in=ApplicationState.reviewable)
            .order_by("pk")
            .only("pk")
        )
        facts = dossier_facts(reviewable)
        if record_claims(reviewable, actor, facts=facts):
            facts = dossier_facts(reviewable)
        candidates = {candidate.id: candidate for candidate in candidates_for(call)}
        dossiers = {dossier.id: dossier for dossier in dossiers_for(call, facts)}
        created, skipped = [], []
        for application_id, reviewer_id, score in proposal.pairs:
            problem = pair_problem(dossiers.get(application_id), candidates.get(reviewer_id))
            if problem:
                skipped.append((application_id, reviewer_id, problem))
                continue
            dossiers[application_id].needed -= 1
            dossiers[application_id].assigned.add(reviewer_id)
            candidates[reviewer_id].load += 1
            created.append(
                Assignment(
                    application_id=application_id,
                    reviewer_id=reviewer_id,
                    due_at=due_date(call, now),
                    match_score=score,
                    assigned_by=actor,
                )
            )
        Assignment.objects.bulk_create(created)
        record_assigned(created, actor, "assign_proposed")
        start_reviews({a.application_id for a in created}, actor)
        proposal.applied_at = now
        proposal.save(update_fields=["applied_at"])
        tell_reviewers(created)
    return created, skipped


def pair_problem(dossier, candidate):
    if dossier is None:
        return _("The application can no longer be reviewed.")
    if candidate is None:
        return _("The reviewer is no longer available.")
    if candidate.id in dossier.assigned:
        return _("The reviewer was already asked.")
    if dossier.needed <= 0:
        return _("The application has all its reviewers.")
    if candidate.load >= candidate.max_load:
        return _("The reviewer has reached their maximum.")
    reasons = conflicts(candidate.facts, dossier.facts)
    if reasons:
        return " ".join(str(reason) for reason in reasons)
    if awaits_ruling(candidate.facts, dossier.facts):
        return str(AWAITS_RULING)
    return None


def record_assigned(assignments, actor, action):
    """One audit row per new assignment, naming its reviewer, in one query."""
    users = get_user_model().objects.in_bulk({a.reviewer_id for a in assignments})
    audit.record_many(
        {
            "application": assignment.application_id,
            "actor": actor,
            "subject": AuditSubject.ASSIGNMENT,
            "action": action,
            "to_state": assignment.state,
            "reason": audit.person(users[assignment.reviewer_id]),
        }
        for assignment in assignments
    )


def start_reviews(application_ids, actor):
    """Eligible applications that received a reviewer move to "in review"."""
    perform_many(Application, application_ids, "start_review", actor, APPLICATION)


def tell_reviewers(assignments):
    """One message per reviewer, whatever the number of dossiers they received."""
    by_reviewer = {}
    for assignment in assignments:
        by_reviewer.setdefault(assignment.reviewer_id, []).append(assignment)
    if not by_reviewer:
        return
    users = get_user_model().objects.in_bulk(list(by_reviewer))
    applications = Application.objects.select_related("call").in_bulk(
        [a.application_id for a in assignments]
    )
    for reviewer_id, theirs in sorted(by_reviewer.items()):
        for assignment in theirs:
            assignment.application = applications[assignment.application_id]
        notify(
            Event.REVIEWER_ASSIGNED,
            [users[reviewer_id]],
            assignments_context(theirs),
            url=reverse("reviews:dashboard"),
        )


def assign_reviewer(application, reviewer, actor, due_at=None, now=None):
    """Staff assign one reviewer by hand: refused on a conflict or over the reviewer's maximum."""
    now = now or timezone.now()
    with transaction.atomic():
        application = locked(application)
        call = application.call
        if application.state not in ApplicationState.reviewable:
            raise ReviewError(
                _("Only an eligible application can be given reviewers; this one is %(state)s.")
                % {"state": application.get_state_display().lower()}
            )
        # Locked: two hand assignments of the same reviewer at once cannot both pass the maximum.
        profile = ReviewerProfile.objects.select_for_update().filter(user=reviewer).first()
        if profile is None or not reviewer.groups.filter(name=Role.REVIEWER.value).exists():
            raise ReviewError(_("%(name)s is not a reviewer.") % {"name": reviewer})
        if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
            raise ReviewError(_("%(name)s was already asked to review it.") % {"name": reviewer})
        facts = dossier_facts([application])
        if record_claims([application], actor, facts=facts):
            facts = dossier_facts([application])
        person = ReviewerFacts.of(reviewer)
        reasons = conflicts(person, facts[application.pk])
        if reasons:
            raise ReviewError(
                _("Conflict of interest: %(reasons)s")
                % {"reasons": " ".join(str(reason) for reason in reasons)}
            )
        if awaits_ruling(person, facts[application.pk]):
            message = str(AWAITS_RULING)
            raise ReviewError(message, {"reviewer": [message]})
        if call_loads(call).get(reviewer.pk, 0) >= profile.max_load:
            raise ReviewError(
                _("%(name)s already has %(max)s dossiers in this call, their maximum.")
                % {"name": reviewer, "max": profile.max_load}
            )
        if due_at is not None and due_at <= now:
            raise ReviewError(_("The due date must be in the future."))
        dossier = Dossier(
            id=application.pk,
            facts=None,
            disciplines=frozenset(application.disciplines.values_list("pk", flat=True)),
            keywords=frozenset(keyword_set(application.keywords)),
            title=application.title,
            needed=0,
        )
        candidate = Candidate(
            facts=ReviewerFacts.of(reviewer),
            disciplines=frozenset(profile.disciplines.values_list("pk", flat=True)),
            keywords=frozenset(profile.keyword_set),
            max_load=profile.max_load,
        )
        assignment = Assignment.objects.create(
            application=application,
            reviewer=reviewer,
            due_at=due_at or due_date(call, now),
            match_score=match_score(candidate, dossier),
            assigned_by=actor,
        )
        audit.record(
            application,
            actor,
            AuditSubject.ASSIGNMENT,
            "assign",
            to_state=assignment.state,
            reason=audit.person(reviewer),
        )
        if application.state == ApplicationState.ELIGIBLE:
            perform(application, "start_review", actor, APPLICATION)
        tell_reviewers([assignment])
    return assignment


def move_assignment(assignment, action, actor, note=""):
    """Move an assignment along ASSIGNMENT; `note`, the reviewer's or staff's reason, is kept on
    the assignment and in the audit row."""
    note = (note or "").strip()
    return perform(
        assignment, action, actor, ASSIGNMENT, reason=note, changes={"note": note} if note else {}
    )


def _locked_assignment(assignment):
    return (
        Assignment.objects.select_for_update()
        .select_related("application__call", "reviewer")
        .get(pk=assignment.pk)
    )


def accept_assignment(assignment, reviewer):
    """The reviewer declares no conflict of interest and accepts; the dossier opens to them."""
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        _own(assignment, reviewer)
        move_assignment(assignment, "accept", reviewer)
        ConflictDeclaration.objects.create(assignment=assignment, has_conflict=False)
    return assignment


def decline_assignment(assignment, reviewer, reason=""):
    """The reviewer is not available; the place goes back to staff."""
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        _own(assignment, reviewer)
        move_assignment(assignment, "decline", reviewer, note=reason)
    return assignment


def declare_conflict(assignment, reviewer, reason):
    """The reviewer declares a conflict: the assignment is freed, staff are told, it is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(
            _("Describe the conflict of interest in a few words: it is kept for the minutes."),
            {"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        _own(assignment, reviewer)
        if hasattr(assignment, "review") and assignment.review.is_submitted:
            raise ReviewError(_("Your review is submitted: ask the programme team."))
        move_assignment(assignment, "recuse", reviewer, note=reason)
        ConflictDeclaration.objects.create(assignment=assignment, has_conflict=True, reason=reason)
        application = assignment.application
        notify(
            Event.CONFLICT_DECLARED,
            staff_to_tell(assignment),
            {
                "assignment": assignment_facts(assignment),
                "application": application_facts(application),
                "reviewer": person_facts(reviewer),
                "reason": reason,
            },
            url=reverse("reviews:assignments", args=[application.call.slug]),
        )
    return assignment


def cancel_assignment(assignment, actor, reason=""):
    """Staff withdraw an assignment whose review is not submitted."""
    with transaction.atomic():
        assignment = _locked_assignment(assignment)
        if hasattr(assignment, "review") and assignment.review.is_submitted:
            raise ReviewError(_("The review is submitted: reopen it instead of cancelling."))
        move_assignment(assignment, "cancel", actor, note=reason)
    return assignment


def _own(assignment, reviewer):
    if assignment.reviewer_id != reviewer.pk:
        raise ReviewError(_("This assignment is not yours."))


def staff_to_tell(assignment):
    """Who assigned it; or, for an automatic assignment by a departed user, programme managers."""
    if assignment.assigned_by_id and assignment.assigned_by.is_active:
        return [assignment.assigned_by]
    return list(
        get_user_model().objects.filter(is_active=True, groups__name=Role.PROGRAMME_MANAGER.value)
    )
