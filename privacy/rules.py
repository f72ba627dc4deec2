"""Who may do what with personal data, and when: the one place that says it (django-rules).

A person's own data: anyone signed in downloads what the platform holds about them (the view
asks only a sign-in). An account is erased at its owner's request unless others still depend on
it: while it leads an application in progress (not yet decided, withdrawn or ruled ineligible),
owes a review (an assignment pending or accepted whose review is not submitted), or takes part
in a dossier held for a legal reason (as its lead, a team member or a reviewer); staff and
administrators ask an administrator, since their accounts sign the platform's decisions and
letters. The erasure service asks the same rule, and the page only reads `erasure_blockers` to
say why, with links.

The erasure service tests its rule with `rules.has_perm`, not `user.has_perm`: Django's own
check answers yes to an active superuser whatever the rule says, and a superuser is refused.
"""

from dataclasses import dataclass

import rules
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_programme_staff, runs_the_platform
from applications.models import Application, ApplicationState, TeamInvitation, TeamMember
from reviews.models import Assignment
from reviews.queries import reviews_owed_by

from .mentions import Person

# An application still in progress: what its lead must see to the end, or withdraw.
IN_PROGRESS = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.ELIGIBLE,
    ApplicationState.IN_REVIEW,
)


@dataclass(frozen=True)
class Blocker:
    """One reason why an account cannot be erased now: `reason` says it, `links` are the pages
    (label, address) where the person can act on it."""

    kind: str
    reason: str
    links: tuple = ()


def applications_in_progress(user):
    return Application.objects.led_by(user).filter(state__in=IN_PROGRESS).order_by("pk")


def erasure_blockers(user):
    """Why `user`'s account cannot be erased now: an empty list when it can."""
    blockers = []
    if runs_the_platform(user):
        blockers.append(
            Blocker(
                "staff",
                _(
                    "Your account belongs to the programme team or administers the site: ask an "
                    "administrator to close it."
                ),
            )
        )
    leading = list(applications_in_progress(user).only("id", "call_id", "title"))
    if leading:
        blockers.append(
            Blocker(
                "applications",
                _(
                    "You lead applications still in progress: withdraw them, or wait for their "
                    "decision."
                ),
                tuple(
                    (f"{application.reference} {application}", application_url(application))
                    for application in leading
                ),
            )
        )
    owed = list(
        reviews_owed_by(user)
        .select_related("application")
        .only("id", "application__id", "application__call_id", "application__title")
        .order_by("pk")
    )
    if owed:
        blockers.append(
            Blocker(
                "reviews",
                _(
                    "You have reviews to answer or to submit: submit them, or tell the programme "
                    "team that you cannot."
                ),
                tuple(
                    (
                        f"{assignment.application.reference} {assignment.application}",
                        reverse("reviews:assignment", args=[assignment.pk]),
                    )
                    for assignment in owed
                ),
            )
        )
    if held_dossiers(user).exists():
        blockers.append(
            Blocker(
                "held",
                _(
                    "A dossier you take part in is kept for a legal reason; contact the "
                    "programme team."
                ),
            )
        )
    return blockers


def held_dossiers(user):
    """The held applications that `user` leads, is on the team of (a team row with one of their
    addresses or their ORCID iD, or a team invitation they accepted) or reviewed: erasing the
    account would rewrite a dossier kept whole for a legal reason."""
    team = TeamMember.objects.filter(Person.of(user).row_q(), application=OuterRef("pk"))
    joined = TeamInvitation.objects.filter(accepted_by=user, application=OuterRef("pk"))
    reviewed = Assignment.objects.filter(reviewer=user, application=OuterRef("pk"))
    return Application.objects.filter(retention_hold__isnull=False).filter(
        Q(lead=user) | Exists(team) | Exists(joined) | Exists(reviewed)
    )


def application_url(application):
    return reverse("applications:edit", args=[application.pk])


@rules.predicate
def is_signed_in(user):
    return user.is_authenticated


@rules.predicate
def nothing_holds_the_account(user):
    return not erasure_blockers(user)


# A person's own data
rules.add_perm("privacy.erase_own_account", is_signed_in & nothing_holds_the_account)


# Retention: programme staff read what the next run will anonymise and hold a dossier past its
# period (litigation, audit) or lift the hold. A dossier can be held only while it is whole and
# not held already; anonymised (privacy.anonymise) only while neither held nor anonymised.


@rules.predicate
def is_anonymised(user, record):
    """The application or account has an Anonymisation row, read from the database so that a
    row another transaction wrote since the object was loaded counts."""
    from .models import Anonymisation

    field = "user" if record._meta.model_name == "user" else "application"
    return Anonymisation.objects.filter(**{field: record}).exists()


@rules.predicate
def is_held(user, application):
    from .models import Hold

    return Hold.objects.filter(application=application).exists()


rules.add_perm("privacy.manage_retention", is_programme_staff)
rules.add_perm("privacy.place_hold", is_programme_staff & ~is_anonymised & ~is_held)
rules.add_perm("privacy.lift_hold", is_programme_staff & is_held)
