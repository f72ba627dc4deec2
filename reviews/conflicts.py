"""Conflicts of interest: who must never review which application, and why.

A reviewer is in conflict with an application when
- the platform knows that their account is one behind the application: they lead it, or joined
  its team (an accepted invitation, applications.team), or their address is one that the lead's or
  a member's account proved (the member's invitation, reached by its link and accepted from an
  account signed in with it), or their ORCID iD is one that the lead or a member proved by signing
  in with ORCID (allauth's social account, provider "orcid", with that iD as its uid);
- the applicant asked to exclude them,
- the team named them and the claim counts (see below),
- or they declared a conflict on it before.

Whatever people type is a claim, not a fact: the team rows, and, in the profiles of the lead and
of the members who joined, the institution and an ORCID iD that ORCID sign-in did not prove. Both
are typed freely in the profile form, and an ORCID iD is unique to nobody: as facts, they let a
lead type a reviewer's iD or institution into their own profile, or into that of a second account
that accepts an invitation to a second address, and exclude that reviewer without limit. An
institution is never a fact, even one that staff set: the profile does not say who set it, and
its owner may change it the next minute. (An account's own login address is unique to it: it
names no other account.)

A claim that matches a reviewer (and that nothing above already establishes) names that reviewer;
reviews.claims records each such claim once, in the order of the claimants: the lead's profile,
then the team rows, each one after the profile of the member who joined from it. The first ones,
up to the call's limit of exclusions (max_excluded_reviewers, shared with the people the applicant
asked to exclude), count as conflicts; the others are shown to staff, who confirm them (a
conflict) or dismiss them (no obstacle). A claim not counted, not confirmed, or not recorded yet
is no conflict anywhere: not for assignment, not for what a council member may read. One that
waits for staff keeps the reviewer from being assigned to it until staff rule (awaits_ruling).

The facts are loaded in bulk, so that checking 1,000 applications against 200 reviewers costs a
handful of queries.
"""

import unicodedata
from dataclasses import dataclass, field

from allauth.socialaccount.models import SocialAccount
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ExcludedReviewer, TeamInvitation, TeamMember

from .models import (
    Assignment,
    AssignmentState,
    ClaimBasis,
    ClaimSource,
    ClaimState,
    TeamClaim,
)

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
class Claimant:
    """Whose words name reviewers, in the order their claims take the places the call allows:
    the lead's profile first (rank 0), then each team row (rank 1, by position), the profile of
    the member who joined from a row just before the row itself."""

    rank: int
    position: int
    source: str  # ClaimSource
    name: str


@dataclass
class DossierFacts:
    """What conflicts depend on, for one application."""

    lead_id: int
    # Established by the platform: the accounts of the lead and of the members who joined, the
    # addresses and ORCID iDs they proved.
    member_ids: set = field(default_factory=set)
    emails: set = field(default_factory=set)
    orcids: set = field(default_factory=set)
    excluded_emails: set = field(default_factory=set)
    excluded_names: set = field(default_factory=set)
    excluded_count: int = 0
    declared_by: set = field(default_factory=set)  # reviewer ids
    # Claimed: (ClaimBasis, value) -> the first Claimant that names it.
    named: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)  # reviewer id -> ClaimState, as recorded
    recorded: list = field(default_factory=list)  # the TeamClaims, with reviewer and ruler
    limit: int = 0  # the call's max_excluded_reviewers


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
        """The (basis, value) pairs by which a claim may name this reviewer."""
        found = [(ClaimBasis.EMAIL, self.email), (ClaimBasis.ORCID, self.orcid)]
        found += [(ClaimBasis.INSTITUTION, self.institution_id)]
        found += [(ClaimBasis.INSTITUTION, self.institution_name)]
        return [(kind, value) for kind, value in found if value]


def orcid_proven(account):
    """Whether the ORCID iD of `account` (a path to a user from the query's model: "lead",
    "accepted_by") was proven by signing in with ORCID: a social account of that user, provider
    "orcid", whose uid is that iD. Typed in the profile form, it proves nothing."""
    return Exists(
        SocialAccount.objects.filter(
            user=OuterRef(account), provider="orcid", uid=OuterRef(f"{account}__orcid")
        )
    )


def with_accounts(applications):
    """The applications read with what conflicts need of their lead's account and their call,
    for facts_of(): one query, or none more for a page that reads them anyway."""
    return applications.select_related("lead__institution").annotate(
        lead_orcid_proven=orcid_proven("lead"),
        exclusion_limit=F("call__max_excluded_reviewers"),
    )


def dossier_facts(applications):
    """{application id: DossierFacts} for the given applications, in six queries."""
    ids = [application.pk for application in applications]
    return facts_of(with_accounts(Application.objects.filter(pk__in=ids)))


def facts_of(applications):
    """{application id: DossierFacts} for applications read through with_accounts(), in five
    queries: the team rows, the members who joined, the people excluded, the claims recorded,
    the conflicts declared."""
    facts, said = {}, {}
    for application in applications:
        lead = application.lead
        dossier = DossierFacts(
            lead_id=lead.pk, member_ids={lead.pk}, limit=application.exclusion_limit
        )
        dossier.emails.add(lead.email.lower())
        if lead.orcid and application.lead_orcid_proven:
            dossier.orcids.add(lead.orcid)
        facts[application.pk] = dossier
        said[application.pk] = profile_claims(
            Claimant(0, 0, ClaimSource.LEAD, str(lead)), lead, application.lead_orcid_proven
        )
    ids = list(facts)
    rows = list(
        TeamMember.objects.filter(application_id__in=ids)
        .select_related("institution")
        .order_by("application_id", "position", "pk")
    )
    first_rows = {}
    for row in rows:
        if row.email:
            first_rows.setdefault((row.application_id, row.email.lower()), row)
    for invitation in (
        TeamInvitation.objects.filter(application_id__in=ids, accepted_by__isnull=False)
        .select_related("accepted_by__institution")
        .annotate(orcid_proven=orcid_proven("accepted_by"))
    ):
        row = first_rows.get((invitation.application_id, invitation.email))
        if row is None:
            continue  # the member's row is gone: so is what their account stood for
        member = invitation.accepted_by
        dossier = facts[invitation.application_id]
        dossier.member_ids.add(member.pk)
        dossier.emails.update({invitation.email, member.email.lower()})
        if member.orcid and invitation.orcid_proven:
            dossier.orcids.add(member.orcid)
        claimant = Claimant(1, row.position, ClaimSource.MEMBER, str(member))
        said[invitation.application_id] += profile_claims(claimant, member, invitation.orcid_proven)
    for row in rows:
        said[row.application_id] += row_claims(row)
    for pk, dossier in facts.items():
        for claimant, kind, value in sorted(said[pk], key=lambda claim: claim[0]):
            if (kind, value) in dossier.named or not value:
                continue
            if (kind == ClaimBasis.EMAIL and value in dossier.emails) or (
                kind == ClaimBasis.ORCID and value in dossier.orcids
            ):
                continue  # an account stands behind it: a fact, not a claim
            dossier.named[(kind, value)] = claimant
    for person in ExcludedReviewer.objects.filter(application_id__in=ids):
        dossier = facts[person.application_id]
        dossier.excluded_count += 1
        if person.email:
            dossier.excluded_emails.add(person.email.lower())
        if person.name:
            dossier.excluded_names.add(normalised(person.name))
    for claim in TeamClaim.objects.filter(application_id__in=ids).select_related(
        "reviewer", "ruled_by"
    ):
        facts[claim.application_id].claims[claim.reviewer_id] = claim.state
        facts[claim.application_id].recorded.append(claim)
    for application_id, reviewer_id in (
        Assignment.objects.filter(application_id__in=ids)
        .filter(Q(state=AssignmentState.RECUSED) | Q(declarations__has_conflict=True))
        .values_list("application_id", "reviewer_id")
        .order_by()
        .distinct()
    ):
        facts[application_id].declared_by.add(reviewer_id)
    return facts


def profile_claims(claimant, user, orcid_proven):
    """What a profile says that the platform did not verify: its institution, and its ORCID iD
    unless ORCID sign-in proved it."""
    found = [] if orcid_proven else [(ClaimBasis.ORCID, user.orcid)]
    if user.institution_id:
        found.append((ClaimBasis.INSTITUTION, user.institution_id))
        found.append((ClaimBasis.INSTITUTION, normalised(user.institution.name)))
    return [(claimant, kind, value) for kind, value in found]


def row_claims(row):
    """What a team row says, in the row's place."""
    claimant = Claimant(1, row.position, ClaimSource.ROW, row.name)
    name = row.institution.name if row.institution_id else row.institution_name
    return [
        (claimant, ClaimBasis.EMAIL, row.email.lower()),
        (claimant, ClaimBasis.ORCID, row.orcid),
        (claimant, ClaimBasis.INSTITUTION, row.institution_id),
        (claimant, ClaimBasis.INSTITUTION, normalised(name)),
    ]


def established(reviewer, dossier):
    """The reasons that do not depend on claims, in the order of conflicts()."""
    reasons = []
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
    """(the first Claimant that names `reviewer`, what it has in common with them), or None."""
    found = [(dossier.named[key], key[0]) for key in reviewer.claim_keys() if key in dossier.named]
    if not found:
        return None
    first = min(claimant for claimant, _basis in found)
    return first, sorted({basis for claimant, basis in found if claimant == first})


def conflicts(reviewer, dossier):
    """The reasons why `reviewer` (ReviewerFacts) must not review `dossier`; empty if none."""
    reasons = established(reviewer, dossier)
    state = dossier.claims.get(reviewer.id)
    if state in ClaimState.conflicts() and named_by(reviewer, dossier):
        reasons.append(NAMED_BY_TEAM if state == ClaimState.COUNTED else CONFIRMED_CLAIM)
    if reviewer.id in dossier.declared_by:
        reasons.append(DECLARED)
    return reasons


def awaits_ruling(reviewer, dossier):
    """Whether the team names `reviewer` beyond the exclusions the call allows and staff have
    not ruled yet: no conflict, but nobody assigns them to it before staff confirm or dismiss."""
    return dossier.claims.get(reviewer.id) == ClaimState.PENDING and bool(
        named_by(reviewer, dossier)
    )


def conflicts_between(user, application):
    """The reasons why `user` must not review `application` (one pair; a few queries)."""
    return conflicts(ReviewerFacts.of(user), dossier_facts([application])[application.pk])
