"""Conflicts named by the team (reviews.conflicts): found once, counted up to the call's limit,
the rest confirmed or dismissed by staff. Every step is in the audit trail (staff only: it names
the reviewers).

When a claim is found: when staff look at a call's reviewers, before anything uses them: the
assignments board, an automatic proposal (computed, then applied) and a hand assignment record
the claims of the dossiers they show or change, against every reviewer and council member. A
claim keeps the place it got then, so that a reviewer who joins later cannot push an earlier claim
beyond the limit; and nothing is assigned from a claim that staff could not have seen.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from applications import audit
from applications.models import Application, AuditSubject
from common.transitions import Move, Workflow, perform

from .conflicts import ReviewerFacts, dossier_facts, established, named_by
from .errors import ReviewError
from .models import ClaimState, TeamClaim


def people_with_conflicts():
    """Everyone whose conflicts matter: active reviewers and council members, by name, each
    with `is_reviewer` (the role) and their reviewer profile if they have one, so that the
    assignments board reads them once for its claims and its list of reviewers."""
    User = get_user_model()
    reviewer_role = Group.objects.filter(user=OuterRef("pk"), name=Role.REVIEWER.value)
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.REVIEWER.value, Role.COUNCIL_MEMBER.value]
        )
        .select_related("institution", "reviewer_profile")
        .annotate(is_reviewer=Exists(reviewer_role))
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def unrecorded(facts, people):
    """[(application id, claimant, reviewer facts, bases)] for each pair that a claim names,
    that nothing establishes already and that is not recorded yet, in the order of the
    claimants (then of the reviewers' accounts)."""
    index = {}
    for person in people:
        for key in person.claim_keys():
            index.setdefault(key, []).append(person)
    found = []
    for application_id, dossier in facts.items():
        seen = set(dossier.claims)
        for key in dossier.named:
            for person in index.get(key, ()):
                if person.id in seen:
                    continue
                seen.add(person.id)
                if person.id in dossier.declared_by or established(person, dossier):
                    continue
                claimant, bases = named_by(person, dossier)
                found.append((application_id, claimant, person, bases))
    found.sort(key=lambda item: (item[0], item[1], item[2].id))
    return found


def record_claims(applications, actor=None, *, facts=None, people=None):
    """Record the claims of `applications` not recorded yet; returns the claims recorded.

    Per application, in the order of the claimants (then of the reviewers' accounts), a claim
    counts as an exclusion while the call's limit allows (the people the applicant asked to
    exclude come first); the others wait for staff. One audit row per claim found.

    A page that reads them anyway gives `facts` (dossier_facts of the same applications) and
    `people` (people_with_conflicts()): when no claim is new, nothing more is read, nothing is
    locked or written. When one is, the dossiers concerned are locked and read again."""
    facts = dossier_facts(applications) if facts is None else facts
    if not any(dossier.named for dossier in facts.values()):
        return []  # no dossier names anyone: no need to know who reviews
    users = {user.pk: user for user in (people_with_conflicts() if people is None else people)}
    persons = [ReviewerFacts.of(user) for user in users.values()]
    found = unrecorded(facts, persons)
    if not found:
        return []
    with transaction.atomic():
        # The applications locked, then read again: two pages that find the same claims at
        # once record them once, and never count past the limit.
        ids = {application_id for application_id, *_rest in found}
        locked = list(
            Application.objects.select_for_update().filter(pk__in=ids).order_by("pk").only("pk")
        )
        facts = dossier_facts(locked)
        counted = {
            pk: sum(1 for state in dossier.claims.values() if state == ClaimState.COUNTED)
            for pk, dossier in facts.items()
        }
        claims = []
        for application_id, claimant, person, bases in unrecorded(facts, persons):
            dossier = facts[application_id]
            within = dossier.excluded_count + counted[application_id] < dossier.limit
            counted[application_id] += within
            claims.append(
                TeamClaim(
                    application_id=application_id,
                    reviewer_id=person.id,
                    state=ClaimState.COUNTED if within else ClaimState.PENDING,
                    source=claimant.source,
                    position=claimant.position,
                    member_name=claimant.name[:255],
                    bases=[str(basis) for basis in bases],
                )
            )
        TeamClaim.objects.bulk_create(claims)
        audit.record_many(
            {
                "application": claim.application_id,
                "actor": actor,
                "subject": AuditSubject.ASSIGNMENT,
                "action": "claim_found",
                "reason": audit.about_reviewer(users[claim.reviewer_id], described(claim)),
            }
            for claim in claims
        )
    return claims


def described(claim):
    """The claim in words, for the audit trail: who named the reviewer, what matched, where it
    stands."""
    return _("%(origin)s: %(state)s") % {
        "origin": claim.origin,
        "state": str(ClaimState(claim.state).label).lower(),
    }


def record_ruling(claim, actor, action, previous, target, reason):
    """Staff's ruling in the application's trail, naming the reviewer and the claim."""
    return audit.record(
        claim.application,
        actor,
        AuditSubject.ASSIGNMENT,
        action,
        reason=audit.about_reviewer(claim.reviewer, described(claim)),
    )


RULED = gettext_lazy("This claim was already ruled on: %(state)s.")
# action: the states it may start from, the state it leads to, the rule that says who and when.
# A claim is created counted or pending (record_claims); staff rule on a pending one.
CLAIM = Workflow(
    states=ClaimState,
    initial={ClaimState.COUNTED, ClaimState.PENDING},
    moves={
        "claim_confirmed": Move(
            {ClaimState.PENDING}, ClaimState.CONFIRMED, "reviews.manage_assignments", RULED
        ),
        "claim_dismissed": Move(
            {ClaimState.PENDING}, ClaimState.DISMISSED, "reviews.manage_assignments", RULED
        ),
    },
    error=ReviewError,
    record=record_ruling,
    rule_object=lambda claim: claim.application,
)


def why_not_ruled(claim, actor):
    """Who may rule first; the table's message when the claim is no longer pending."""
    if actor is None or not actor.has_perm("reviews.manage_assignments", claim.application):
        return _("Only the programme team can confirm or dismiss a conflict named by the team.")
    return None


def rule_on_claim(claim, actor, confirm, now=None):
    """Staff confirm a pending claim (the reviewer is then in conflict: an assignment of theirs
    on it that has no submitted review is cancelled) or dismiss it (no obstacle)."""
    from .assignments import move_assignment

    now = now or timezone.now()
    with transaction.atomic():
        claim = (
            TeamClaim.objects.select_for_update()
            .select_related("application", "reviewer")
            .get(pk=claim.pk)
        )
        perform(
            claim,
            "claim_confirmed" if confirm else "claim_dismissed",
            actor,
            CLAIM,
            changes={"ruled_by": actor, "ruled_at": now},
            why_not=why_not_ruled,
        )
        if confirm:
            for assignment in (
                claim.application.assignments.active()
                .select_for_update(of=("self",))
                .select_related("reviewer", "review")
                .filter(reviewer=claim.reviewer)
            ):
                if not getattr(getattr(assignment, "review", None), "is_submitted", False):
                    move_assignment(
                        assignment, "cancel", actor, _("Conflict named by the team confirmed.")
                    )
    return claim


def claims_of(application_ids):
    """{application id: [TeamClaim, in the order of the rows]}, with reviewers, in one query."""
    found = {}
    for claim in TeamClaim.objects.filter(application_id__in=application_ids).select_related(
        "reviewer", "ruled_by"
    ):
        found.setdefault(claim.application_id, []).append(claim)
    return found
