"""Conflicts of interest: who must never review which application, and why.

A reviewer is in conflict with an application when
- they lead it, or joined its team (an accepted invitation, applications.team), or share the
  institution, e-mail address or ORCID iD of the lead's account or of a member's account,
- the applicant asked to exclude them,
- the team named them and the claim counts (see below),
- or they declared a conflict on it before.

Team rows are what the lead typed: alone, they are claims, not facts. A row whose e-mail, ORCID
or institution matches a reviewer (and that the accounts above do not already establish) names
that reviewer; reviews.claims records each such claim once, in the order of the rows. The first
ones, up to the call's limit of exclusions (max_excluded_reviewers, shared with the people the
applicant asked to exclude), count as conflicts; the others are shown to staff, who confirm them
(a conflict) or dismiss them (no obstacle). A claim not counted, not confirmed, or not recorded
yet is no conflict anywhere: not for assignment, not for what a council member may read.

The facts are loaded in bulk, so that checking 1,000 applications against 200 reviewers costs a
handful of queries.
"""

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from applications.models import Application, ExcludedReviewer, TeamInvitation, TeamMember

from .models import (
    Assignment,
    AssignmentState,
    ClaimBasis,
    ClaimState,
    ConflictDeclaration,
    TeamClaim,
)

SAME_INSTITUTION = _("A team member comes from the reviewer's institution.")
TEAM_MEMBER = _("The reviewer is a member of the team.")
EXCLUDED = _("The applicant asked to exclude this reviewer.")
NAMED_BY_TEAM = _("The team named this reviewer, within the exclusions the call allows.")
CONFIRMED_CLAIM = _("The team named this reviewer and the programme team confirmed the conflict.")
DECLARED = _("The reviewer declared a conflict of interest.")


def normalised(text):
    """Lower case, no accents, single spaces: "  Éloïse  MARTIN " -> "eloise martin"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.lower().split())


@dataclass(frozen=True, order=True)
class RowClaim:
    """A team row that may name reviewers: its place in the team and the name typed."""

    position: int
    name: str


@dataclass
class DossierFacts:
    """What conflicts depend on, for one application."""

    lead_id: int
    # Established by accounts: the lead's and those of the members who joined.
    member_ids: set = field(default_factory=set)
    institution_ids: set = field(default_factory=set)
    institution_names: set = field(default_factory=set)
    emails: set = field(default_factory=set)
    orcids: set = field(default_factory=set)
    excluded_emails: set = field(default_factory=set)
    excluded_names: set = field(default_factory=set)
    excluded_count: int = 0
    declared_by: set = field(default_factory=set)  # reviewer ids
    # Claimed by team rows: (ClaimBasis, value) -> the first RowClaim that names it.
    row_claims: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)  # reviewer id -> ClaimState, as recorded
    limit: int = 0  # the call's max_excluded_reviewers

    def claim(self, kind, value, row):
        if value and (kind, value) not in self.row_claims:
            self.row_claims[(kind, value)] = row


@dataclass(frozen=True)
class ReviewerFacts:
    id: int
    email: str
    name: str
    orcid: str
    institution_id: int | None
    institution_name: str

    @classmethod
    def of(cls, user):
        institution = user.institution if user.institution_id else None
        return cls(
            id=user.pk,
            email=(user.email or "").lower(),
            name=normalised(user.get_full_name()),
            orcid=user.orcid or "",
            institution_id=user.institution_id,
            institution_name=normalised(institution.name) if institution else "",
        )

    def claim_keys(self):
        """The (basis, value) pairs by which a team row may name this reviewer."""
        found = [(ClaimBasis.EMAIL, self.email), (ClaimBasis.ORCID, self.orcid)]
        found += [(ClaimBasis.INSTITUTION, self.institution_id)]
        found += [(ClaimBasis.INSTITUTION, self.institution_name)]
        return [(kind, value) for kind, value in found if value]


def establish(dossier, email, orcid, institution_id, institution_name):
    """Facts an account stands behind (the lead's, or a member's who joined)."""
    if email:
        dossier.emails.add(email.lower())
    if orcid:
        dossier.orcids.add(orcid)
    if institution_id:
        dossier.institution_ids.add(institution_id)
    if institution_name:
        dossier.institution_names.add(normalised(institution_name))


def dossier_facts(applications):
    """{application id: DossierFacts} for the given applications, in seven queries."""
    ids = [application.pk for application in applications]
    facts = {}
    for pk, lead_id, email, orcid, institution_id, institution, limit in Application.objects.filter(
        pk__in=ids
    ).values_list(
        "pk",
        "lead_id",
        "lead__email",
        "lead__orcid",
        "lead__institution_id",
        "lead__institution__name",
        "call__max_excluded_reviewers",
    ):
        facts[pk] = DossierFacts(lead_id=lead_id, member_ids={lead_id}, limit=limit)
        establish(facts[pk], email, orcid, institution_id, institution)
    rows = list(
        TeamMember.objects.filter(application_id__in=ids)
        .select_related("institution")
        .order_by("application_id", "position", "pk")
    )
    addresses = {(row.application_id, row.email.lower()) for row in rows if row.email}
    for invitation in TeamInvitation.objects.filter(
        application_id__in=ids, accepted_by__isnull=False
    ).select_related("accepted_by__institution"):
        if (invitation.application_id, invitation.email) not in addresses:
            continue  # the member's row is gone: so is what their account stood for
        member = invitation.accepted_by
        dossier = facts[invitation.application_id]
        dossier.member_ids.add(member.pk)
        dossier.emails.add(invitation.email)
        institution = member.institution.name if member.institution_id else ""
        establish(dossier, member.email, member.orcid, member.institution_id, institution)
    for row in rows:
        claims_of_row(facts[row.application_id], row)
    for person in ExcludedReviewer.objects.filter(application_id__in=ids):
        dossier = facts[person.application_id]
        dossier.excluded_count += 1
        if person.email:
            dossier.excluded_emails.add(person.email.lower())
        if person.name:
            dossier.excluded_names.add(normalised(person.name))
    for application_id, reviewer_id, state in TeamClaim.objects.filter(
        application_id__in=ids
    ).values_list("application_id", "reviewer_id", "state"):
        facts[application_id].claims[reviewer_id] = state
    declared = ConflictDeclaration.objects.filter(
        assignment__application_id__in=ids, has_conflict=True
    ).values_list("assignment__application_id", "assignment__reviewer_id")
    recused = Assignment.objects.filter(
        application_id__in=ids, state=AssignmentState.RECUSED
    ).values_list("application_id", "reviewer_id")
    for application_id, reviewer_id in [*declared, *recused]:
        facts[application_id].declared_by.add(reviewer_id)
    return facts


def claims_of_row(dossier, row):
    """What a team row says that no account stands behind: its claims, in the row's place."""
    claim = RowClaim(row.position, row.name)
    email = row.email.lower()
    if email not in dossier.emails:
        dossier.claim(ClaimBasis.EMAIL, email, claim)
    if row.orcid not in dossier.orcids:
        dossier.claim(ClaimBasis.ORCID, row.orcid, claim)
    if row.institution_id and row.institution_id not in dossier.institution_ids:
        dossier.claim(ClaimBasis.INSTITUTION, row.institution_id, claim)
    name = normalised(row.institution.name if row.institution_id else row.institution_name)
    if name not in dossier.institution_names:
        dossier.claim(ClaimBasis.INSTITUTION, name, claim)


def established(reviewer, dossier):
    """The reasons that do not depend on the team's claims, in the order of conflicts()."""
    reasons = []
    if reviewer.institution_id in dossier.institution_ids or (
        reviewer.institution_name and reviewer.institution_name in dossier.institution_names
    ):
        reasons.append(SAME_INSTITUTION)
    if (
        reviewer.id in dossier.member_ids
        or reviewer.email in dossier.emails
        or (reviewer.orcid and reviewer.orcid in dossier.orcids)
    ):
        reasons.append(TEAM_MEMBER)
    if reviewer.email in dossier.excluded_emails or (
        reviewer.name and reviewer.name in dossier.excluded_names
    ):
        reasons.append(EXCLUDED)
    return reasons


def named_by(reviewer, dossier):
    """(the first team row that names `reviewer`, what it has in common with them), or None."""
    found = [
        (dossier.row_claims[key], key[0])
        for key in reviewer.claim_keys()
        if key in dossier.row_claims
    ]
    if not found:
        return None
    row = min(row for row, _basis in found)
    return row, sorted({basis for other, basis in found if other == row})


def conflicts(reviewer, dossier):
    """The reasons why `reviewer` (ReviewerFacts) must not review `dossier`; empty if none."""
    reasons = established(reviewer, dossier)
    state = dossier.claims.get(reviewer.id)
    if state in ClaimState.conflicts() and named_by(reviewer, dossier):
        reasons.append(NAMED_BY_TEAM if state == ClaimState.COUNTED else CONFIRMED_CLAIM)
    if reviewer.id in dossier.declared_by:
        reasons.append(DECLARED)
    return reasons


def conflicts_between(user, application):
    """The reasons why `user` must not review `application` (one pair; a few queries)."""
    return conflicts(ReviewerFacts.of(user), dossier_facts([application])[application.pk])
