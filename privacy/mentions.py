"""Where a person who erases their account is named in records that are not theirs: the
snapshots of applications they led, joined or were asked to be kept away from, the team rows,
exclusions and invitations carrying their address or ORCID iD, the reviewer invitations they
received, the conflicts their profile or team row named. privacy.anonymise rewrites them, in the
erasure's transaction, under the placeholder; the rest of each record stays.

A person is matched by every address of the account (the account's own and its verified or
unverified e-mail addresses), without regard to case, and by its ORCID iD. The applications
concerned are found by their live rows and lead, and by a text search in the snapshots (a
snapshot may name an address that no live row carries any more): a few bounded queries, whatever
the size of the site. They are locked in the order of their keys before their snapshots are read,
so that a retention run anonymising one at the same time either goes first (and the erasure
skips it) or waits (and anonymises the rewritten content); an application anonymised or held is
left alone (held: kept whole until its own anonymisation, which removes everyone).
"""

import copy
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import CharField, F, Q, TextField, Value
from django.db.models.functions import Cast, Concat
from django.utils import translation
from django.utils.translation import gettext

from applications.models import (
    Application,
    ExcludedReviewer,
    Submission,
    TeamInvitation,
    TeamMember,
)
from reviews.models import ClaimSource, Invitation, TeamClaim

from .models import Anonymisation, Hold


def account_placeholder():
    """The name an erased account keeps, in the site's language (stored as a name is)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Deleted account")


def erased_email(user):
    return f"erased-{user.pk}@invalid.example"


@dataclass(frozen=True)
class Person:
    """Who is erased, as others' records name them: the account, its addresses (lower case)
    and its ORCID iD."""

    user: object
    emails: frozenset
    orcid: str

    @classmethod
    def of(cls, user):
        addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        emails = {address.lower() for address in [user.email, *addresses] if address}
        return cls(user, frozenset(emails), user.orcid or "")

    def address_q(self, field="email"):
        """Rows whose `field` is one of the person's addresses (never an empty one)."""
        found = Q(pk__in=[])
        for email in self.emails:
            found |= Q(**{f"{field}__iexact": email})
        return found

    def row_q(self):
        """Team rows naming the person: by address or by ORCID iD."""
        found = self.address_q()
        return found | Q(orcid=self.orcid) if self.orcid else found

    def text_q(self):
        """Snapshots whose text holds an address or the ORCID iD (candidates only: an entry
        is matched field by field before it is rewritten)."""
        found = Q(pk__in=[])
        for needle in [*self.emails, self.orcid]:
            if needle:
                found |= Q(text__icontains=needle)
        return found

    def names(self, entry):
        """Whether a snapshot's team or exclusion entry is this person."""
        email = (entry.get("email") or "").lower()
        return (email and email in self.emails) or (self.orcid and entry.get("orcid") == self.orcid)


def mentioned_applications(person):
    """The keys of the applications whose rows or snapshots may name the person."""
    user = person.user
    snapshots = Submission.objects.annotate(text=Cast("content", TextField())).filter(
        person.text_q()
    )
    found = Q(lead=user) | Q(pk__in=snapshots.values("application"))
    found |= Q(pk__in=TeamMember.objects.filter(person.row_q()).values("application"))
    found |= Q(pk__in=ExcludedReviewer.objects.filter(person.address_q()).values("application"))
    invitations = TeamInvitation.objects.filter(person.address_q() | Q(accepted_by=user))
    found |= Q(pk__in=invitations.values("application"))
    return set(Application.objects.filter(found).values_list("pk", flat=True))


def lock_rewritable(ids):
    """Lock the applications `ids` in the order of their keys; returns those neither
    anonymised nor held (read after the lock, so that a concurrent anonymisation counts)."""
    locked = Application.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    locked = set(locked.values_list("pk", flat=True))
    locked -= set(
        Anonymisation.objects.filter(application__in=locked).values_list("application", flat=True)
    )
    locked -= set(Hold.objects.filter(application__in=locked).values_list("application", flat=True))
    return locked


def clear_mentions(person):
    """Rewrite what names `person` outside their own account under the placeholder; returns
    the submissions whose snapshot was rewritten (the caller records their new fingerprint)."""
    name = account_placeholder()
    applications = lock_rewritable(mentioned_applications(person))
    rewritten = []
    submissions = Submission.objects.filter(application__in=applications).select_related(
        "application"
    )
    for submission in submissions.order_by("pk"):
        is_lead = submission.application.lead_id == person.user.pk
        content = without_person(submission.content, person, name, is_lead)
        if content != submission.content:
            submission.content = content
            submission.save(update_fields=["content"])
            rewritten.append(submission)
    clear_rows(person, applications, name)
    Invitation.objects.filter(person.address_q() | Q(accepted_by=person.user)).update(
        email=erased_email(person.user), name="", message=""
    )
    return rewritten


def clear_rows(person, applications, name):
    """The live rows of `applications` that name the person: team rows, the conflicts their
    profile or team row named, exclusions, the lead's team invitations to them."""
    user = person.user
    rows = TeamMember.objects.filter(person.row_q(), application__in=applications)
    named = list(rows.values_list("application", "position", "email"))
    claims = Q(source=ClaimSource.LEAD, application__lead=user)
    full_name = user.get_full_name().strip()
    if full_name:
        claims |= Q(member_name__iexact=full_name)
    invitations = person.address_q() | Q(accepted_by=user)
    for application, position, email in named:
        claims |= Q(application=application, position=position) & ~Q(source=ClaimSource.LEAD)
        if email:
            invitations |= Q(application=application, email__iexact=email)
    TeamClaim.objects.filter(claims, application__in=applications).update(member_name="")
    rows.update(name=name, email="", orcid="")
    ExcludedReviewer.objects.filter(person.address_q(), application__in=applications).update(
        name=name, email="", reason=""
    )
    # One invitation per application and address: each gets its own unreachable address.
    TeamInvitation.objects.filter(invitations, application__in=applications).update(
        email=Concat(
            Value(f"erased-{user.pk}-"),
            Cast(F("pk"), CharField()),
            Value("@invalid.example"),
            output_field=CharField(),
        )
    )


def without_person(content, person, name, is_lead):
    """A snapshot where the lead (when it is the person) and the team and exclusion entries
    naming them read `name`, with no address, ORCID iD or reason; their institution and role,
    everyone and everything else stay."""
    content = copy.deepcopy(content)
    if is_lead:
        content["lead"] = {"name": name, "email": ""}
    for member in content.get("team") or []:
        if person.names(member):
            member.update(name=name, email="", orcid="")
    for excluded in content.get("excluded_reviewers") or []:
        if person.names(excluded):
            excluded.update(name=name, email="", reason="")
    return content
