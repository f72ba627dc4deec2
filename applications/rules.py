"""Who may do what on an application, and when: the one place that says it (django-rules).

Each permission states the person and the moment together (pretalx's way): `edit_draft` is
"the lead, on a draft, while the call is open". The services ask the same rule before they act
(`require(actor, "applications.edit_draft", application, ...)`), and views and templates only
read it (`user.has_perm(...)`) to show or hide a button: no "when" is stated twice. Views answer
404 when reading is refused, so that nobody learns that someone else's application exists.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import is_programme_staff
from calls.models import CallPhase

from .models import Application, ApplicationState


@rules.predicate
def is_lead(user, application):
    return application is not None and application.lead_id == user.id


@rules.predicate
def is_team_member(user, application):
    """An account that accepted the invitation sent to its own address (applications.team),
    while that address is still one of the team's rows. A row alone, "leads the project" or
    not, gives nobody access."""
    if application is None or not user.is_authenticated:
        return False
    from .models import TeamInvitation

    return TeamInvitation.objects.joined(user).filter(application=application).exists()


# When


@rules.predicate
def is_draft(user, application):
    return application.state == ApplicationState.DRAFT


@rules.predicate
def is_submitted(user, application):
    return application.state == ApplicationState.SUBMITTED


@rules.predicate
def is_withdrawn(user, application):
    return application.state == ApplicationState.WITHDRAWN


@rules.predicate
def call_is_open(user, application):
    """Between the call's opening and its deadline, at the moment the rule is judged at."""
    return application.call.phase_at(moment_of(application)) == CallPhase.OPEN


def judged_at(application, now):
    """Judge `application`'s rules at `now` rather than at the moment they are read: the moment
    a request arrived (a submission one millisecond before the deadline is on time), or the
    past that the demo replays."""
    if now is not None:
        application.rules_moment = now
    return application


def moment_of(application):
    return getattr(application, "rules_moment", None) or timezone.now()


# The staff check is cheap (cached permissions); the team query only for everyone else.
can_read = is_lead | is_programme_staff | is_team_member

rules.add_perm("applications.open_application", can_read)
rules.add_perm("applications.download_attachment", can_read)
# The draft (its answers, team, budget and files) changes only before the deadline.
rules.add_perm("applications.edit_draft", is_lead & is_draft & call_is_open)
# Submitting is judged at the moment the request arrived (judged_at): the server's clock at
# receipt decides whether it is on time.
rules.add_perm("applications.submit_application", is_lead & is_draft & call_is_open)
rules.add_perm(
    "applications.withdraw_application", is_lead & (is_draft | (is_submitted & call_is_open))
)
rules.add_perm("applications.reopen_application", is_programme_staff & is_submitted)
# The lead invites team rows to join, in the draft and after submission, until withdrawn.
rules.add_perm("applications.invite_team_member", is_lead & ~is_withdrawn)
rules.add_perm("applications.list_call_applications", is_programme_staff)
# The audit trail names reviewers: staff only (not council members, never applicants).
rules.add_perm("applications.read_audit_trail", is_programme_staff)


# Label renewals (applications.renewals): the object is a labels.renewals.Renewal (a collection
# and a label call), invited by a campaign or not.
@rules.predicate
def holds_renewed_collection(user, renewal):
    if not user.is_authenticated:
        return False
    return renewal.collection.holdings.filter(user=user).exists()


@rules.predicate
def renewal_call_is_open(user, renewal):
    call = renewal.call
    return call.grants_labels and call.live and call.phase_at(moment_of(renewal)) == CallPhase.OPEN


# A holder of the collection starts its renewal application while a label call is open,
# whether a campaign invited them or not.
rules.add_perm("applications.renew_label", holds_renewed_collection & renewal_call_is_open)


def application_or_404(user, pk, permission="applications.open_application"):
    """The application with its call and lead if `user` has `permission` on it; 404 otherwise,
    whoever asks, so that nobody learns that someone else's application exists."""
    application = get_object_or_404(Application.objects.select_related("call", "lead"), pk=pk)
    if not user.has_perm(permission, application):
        raise Http404
    return application
