"""Conflicts of interest: who must never review which application, and why.

A reviewer is in conflict with an application when
- any team member comes from the reviewer's institution,
- the reviewer is a team member (or the lead),
- the applicant asked to exclude them,
- or they declared a conflict on it before.
The facts are loaded in bulk, so that checking 1,000 applications against 200 reviewers costs a
handful of queries.
"""

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from applications.models import ExcludedReviewer, TeamMember

from .models import Assignment, AssignmentState, ConflictDeclaration

SAME_INSTITUTION = _("A team member comes from the reviewer's institution.")
TEAM_MEMBER = _("The reviewer is a member of the team.")
EXCLUDED = _("The applicant asked to exclude this reviewer.")
DECLARED = _("The reviewer declared a conflict of interest.")


def normalised(text):
    """Lower case, no accents, single spaces: "  Éloïse  MARTIN " -> "eloise martin"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.lower().split())


@dataclass
class DossierFacts:
    """What conflicts depend on, for one application."""

    lead_id: int
    institution_ids: set = field(default_factory=set)
    institution_names: set = field(default_factory=set)
    emails: set = field(default_factory=set)
    orcids: set = field(default_factory=set)
    excluded_emails: set = field(default_factory=set)
    excluded_names: set = field(default_factory=set)
    declared_by: set = field(default_factory=set)  # reviewer ids


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


def dossier_facts(applications):
    """{application id: DossierFacts} for the given applications, in four queries."""
    facts = {app.pk: DossierFacts(lead_id=app.lead_id) for app in applications}
    ids = list(facts)
    for member in TeamMember.objects.filter(application_id__in=ids).select_related("institution"):
        dossier = facts[member.application_id]
        if member.institution_id:
            dossier.institution_ids.add(member.institution_id)
            dossier.institution_names.add(normalised(member.institution.name))
        elif member.institution_name:
            dossier.institution_names.add(normalised(member.institution_name))
        if member.email:
            dossier.emails.add(member.email.lower())
        if member.orcid:
            dossier.orcids.add(member.orcid)
    for person in ExcludedReviewer.objects.filter(application_id__in=ids):
        dossier = facts[person.application_id]
        if person.email:
            dossier.excluded_emails.add(person.email.lower())
        if person.name:
            dossier.excluded_names.add(normalised(person.name))
    declared = ConflictDeclaration.objects.filter(
        assignment__application_id__in=ids, has_conflict=True
    ).values_list("assignment__application_id", "assignment__reviewer_id")
    recused = Assignment.objects.filter(
        application_id__in=ids, state=AssignmentState.RECUSED
    ).values_list("application_id", "reviewer_id")
    for application_id, reviewer_id in [*declared, *recused]:
        facts[application_id].declared_by.add(reviewer_id)
    return facts


def conflicts(reviewer, dossier):
    """The reasons why `reviewer` (ReviewerFacts) must not review `dossier`; empty if none."""
    reasons = []
    if reviewer.institution_id in dossier.institution_ids or (
        reviewer.institution_name and reviewer.institution_name in dossier.institution_names
    ):
        reasons.append(SAME_INSTITUTION)
    if (
        reviewer.id == dossier.lead_id
        or reviewer.email in dossier.emails
        or (reviewer.orcid and reviewer.orcid in dossier.orcids)
    ):
        reasons.append(TEAM_MEMBER)
    if reviewer.email in dossier.excluded_emails or (
        reviewer.name and reviewer.name in dossier.excluded_names
    ):
        reasons.append(EXCLUDED)
    if reviewer.id in dossier.declared_by:
        reasons.append(DECLARED)
    return reasons


def conflicts_between(user, application):
    """The reasons why `user` must not review `application` (one pair; a few queries)."""
    return conflicts(ReviewerFacts.of(user), dossier_facts([application])[application.pk])
