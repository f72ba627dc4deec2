"""Team members who join an application.

A team row is what the lead typed: a name, an address, an institution. It gives nobody anything.
The lead invites the address of a row; the person who owns that address follows the link, signs
in with it and accepts (or declines). Only then may their account read the application, its files,
receipts and letters (applications.rules.is_team_member), and only while the address is still a
row of the team. Invitations are kept per (application, address in lower case), apart from the
rows, which save_draft replaces on every save.

The link carries a token that is stored nowhere: the invitation keeps its SHA-256 hash, and the
message keeps the link only until its e-mail has left (notifications.sealing).

Who accepts: the account signed in with the invited address, and only that one. The token proves
that someone read the mailbox; the account proves who clicks. A forwarded link is useless to
another account, and an account never gains access by an address it does not own.
"""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.facts import person_facts
from calls.facts import call_facts
from common.errors import Refused
from common.permissions import require
from common.tokens import new_token, token_hash

from . import audit
from .facts import application_facts
from .models import (
    Application,
    ApplicationState,
    AuditSubject,
    TeamInvitation,
    TeamMember,
)
from .rules import is_lead

VALID_FOR = dt.timedelta(days=30)


class TeamInvitationError(Refused):
    """A refused invitation, acceptance or refusal, with a message for the person."""


def team_addresses(application):
    """The addresses of the application's team rows, in lower case."""
    return {
        email.lower()
        for email in TeamMember.objects.filter(application=application).values_list(
            "email", flat=True
        )
        if email
    }


def expires_at(invitation):
    return invitation.sent_at + VALID_FOR


def member_facts(name, email, expires):
    """What the invitation message may state about the person invited (plain values)."""
    return {"name": name, "email": email, "expires_at": expires}


# The lead invites


def invite_team_member(application, actor, email, now=None):
    """Send (or send again) the invitation to `email`, a team row's address other than the
    lead's. A new link replaces the previous one. Returns the invitation."""
    now = now or timezone.now()
    email = (email or "").strip().lower()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("call", "lead")
            .get(pk=application.pk)
        )
        require(
            actor,
            "applications.invite_team_member",
            application,
            TeamInvitationError,
            _("Only the lead applicant can invite team members.")
            if not is_lead(actor, application)
            else _("This application is withdrawn: nobody can be invited to it."),
        )
        rows = TeamMember.objects.filter(application=application, email__iexact=email)
        row = rows.order_by("position", "pk").first() if email else None
        if row is None:
            raise TeamInvitationError(
                _("Only the address of a saved team row can be invited; save the team first.")
            )
        if email == application.lead.email.lower():
            raise TeamInvitationError(_("This is your own address: you lead the application."))
        invitation = (
            TeamInvitation.objects.select_for_update()
            .filter(application=application, email=email)
            .first()
        )
        if invitation is not None and invitation.accepted_by_id:
            raise TeamInvitationError(
                _("%(email)s has already joined the application.") % {"email": email}
            )
        token = new_token()
        if invitation is None:
            invitation = TeamInvitation(application=application, email=email)
        invitation.token_hash = token_hash(token)
        invitation.invited_by = actor
        invitation.sent_at = now
        invitation.declined_at = None
        invitation.save()
        audit.record(
            application, actor, AuditSubject.APPLICATION, "team_member_invited", reason=email
        )
        send_invitation(invitation, row.name, token)
    return invitation


def send_invitation(invitation, name, token):
    from notifications.events import Event
    from notifications.services import notify

    application = invitation.application
    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    notify(
        Event.TEAM_MEMBER_INVITED,
        [invitation.email],
        {
            "application": application_facts(application),
            "call": call_facts(application.call),
            "inviter": person_facts(invitation.invited_by),
            "member": member_facts(name, invitation.email, expires_at(invitation)),
        },
        url=reverse("applications:team_invitation", args=[token]),
        # The invitee's own language if they have an account, else the lead's page.
        language=getattr(account, "language", None) or translation.get_language(),
    )


# The invitee answers


def invitation_for(token):
    """The invitation whose link carries `token`, with its application; None if none does."""
    if not token:
        return None
    return (
        TeamInvitation.objects.select_related(
            "application__call", "application__lead", "accepted_by", "invited_by"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


NOT_FOUND = gettext_lazy(
    "This invitation link is not valid: it may have been replaced by a newer invitation, or "
    "copied incompletely. Ask the lead applicant to send it again."
)


def invitation_problem(invitation, user, now=None):
    """Why `user` (signed in or not) cannot accept `invitation`, or None. For a visitor who is
    not signed in yet, the address is not checked: they are told whether the link still works."""
    now = now or timezone.now()
    if invitation is None:
        return str(NOT_FOUND)
    if invitation.email not in team_addresses(invitation.application):
        return _(
            "This invitation was withdrawn: the address is no longer in the application's team."
        )
    if invitation.application.state == ApplicationState.WITHDRAWN:
        return _("This application was withdrawn: the invitation no longer applies.")
    if invitation.accepted_by_id:
        if invitation.accepted_by_id == getattr(user, "pk", None):
            return None
        return _("This invitation has already been accepted.")
    if invitation.declined_at:
        return _(
            "This invitation was declined. If that was a mistake, ask the lead applicant to send "
            "it again."
        )
    if expires_at(invitation) < now:
        return _(
            "This invitation has expired: it was valid for 30 days. Ask the lead applicant to "
            "send it again."
        )
    if getattr(user, "is_authenticated", False) and user.email.lower() != invitation.email:
        return _(
            "This invitation was sent to %(email)s, and you are signed in as %(current)s. Sign "
            "out, then sign in (or create your account) with %(email)s to accept it."
        ) % {"email": invitation.email, "current": user.email}
    return None


def problem_for_visitor(invitation, user, now=None):
    someone = user if user.is_authenticated else SimpleNamespace(pk=None)
    return invitation_problem(invitation, someone, now)


def _locked(token):
    invitation = invitation_for(token)
    if invitation is None:
        raise TeamInvitationError(str(NOT_FOUND))
    return (
        # Only the invitation's row is locked: PostgreSQL locks no row of an outer join
        # (accepted_by may be empty).
        TeamInvitation.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__lead", "accepted_by")
        .get(pk=invitation.pk)
    )


def accept_invitation(token, user, now=None):
    """The account signed in with the invited address joins the application."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _locked(token)
        problem = invitation_problem(invitation, user, now)
        if problem:
            raise TeamInvitationError(problem)
        if invitation.accepted_by_id == user.pk:
            return invitation
        invitation.accepted_by = user
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        audit.record(
            invitation.application,
            user,
            AuditSubject.APPLICATION,
            "team_member_joined",
            reason=audit.person(user),
        )
    return invitation


def decline_invitation(token, user, now=None):
    """The invited person says no, or a member leaves: no access from then on."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _locked(token)
        joined = invitation.accepted_by_id == user.pk
        if not joined:
            problem = invitation_problem(invitation, user, now)
            if problem:
                raise TeamInvitationError(problem)
        invitation.accepted_by = None
        invitation.accepted_at = None
        invitation.declined_at = now
        invitation.save(update_fields=["accepted_by", "accepted_at", "declined_at"])
        audit.record(
            invitation.application,
            user,
            AuditSubject.APPLICATION,
            "team_member_left" if joined else "team_member_declined",
            reason=audit.person(user),
        )
    return invitation


# What pages show


@dataclass(frozen=True)
class RowInvitation:
    """Beside a team row: where its invitation stands, and whether the lead may send it."""

    state: str  # "none", "invited", "expired", "accepted", "declined", "lead"
    date: dt.datetime | None = None
    member: str = ""
    can_invite: bool = False

    # What the page asks, so that the template names no state by its string.
    @property
    def is_lead(self):
        return self.state == "lead"

    @property
    def is_unsent(self):
        return self.state == "none"

    @property
    def is_invited(self):
        return self.state == "invited"

    @property
    def is_expired(self):
        return self.state == "expired"

    @property
    def is_accepted(self):
        return self.state == "accepted"

    @property
    def is_declined(self):
        return self.state == "declined"


def row_invitations(application, user, now=None):
    """{address in lower case: RowInvitation} for the saved team rows, in two queries."""
    now = now or timezone.now()
    inviting = user.has_perm("applications.invite_team_member", application)
    invitations = {
        invitation.email: invitation
        for invitation in TeamInvitation.objects.filter(application=application).select_related(
            "accepted_by"
        )
    }
    lead_email = application.lead.email.lower()
    found = {}
    for email in team_addresses(application):
        invitation = invitations.get(email)
        if email == lead_email:
            found[email] = RowInvitation("lead")
        elif invitation is None:
            found[email] = RowInvitation("none", can_invite=inviting)
        elif invitation.accepted_by_id:
            found[email] = RowInvitation(
                "accepted", invitation.accepted_at, str(invitation.accepted_by)
            )
        elif invitation.declined_at:
            found[email] = RowInvitation("declined", invitation.declined_at, can_invite=inviting)
        elif expires_at(invitation) < now:
            found[email] = RowInvitation("expired", invitation.sent_at, can_invite=inviting)
        else:
            found[email] = RowInvitation("invited", invitation.sent_at, can_invite=inviting)
    return found


def name_the_lead_rows(sender, user, **kwargs):
    """An account gave its names at last (accounts.names): the lead's row of its drafts, which
    start_application filled with the address for want of a name, shows the name. The draft's
    version is left alone: a tab open on it saves its rows as they are."""
    TeamMember.objects.filter(
        application__lead=user,
        application__state=ApplicationState.DRAFT,
        is_lead=True,
        name__iexact=user.email,
    ).update(name=user.get_full_name())


def joined_applications(user):
    """The applications `user` joined as a team member (and is still in the team of)."""
    return Application.objects.filter(
        pk__in=TeamInvitation.objects.joined(user).values("application_id")
    )


def page_context(application, user, drafts, members=None):
    """For the application's page: each team row (a form of the draft, or a saved member of the
    read-only page) gets `.invitation`, found by its address; `can_invite` says whether the page
    needs the invitation form."""
    states = row_invitations(application, user)
    for form in drafts.team.forms if drafts is not None else ():
        form.invitation = states.get((form["email"].value() or "").strip().lower())
    context = {"can_invite": any(state.can_invite for state in states.values())}
    if members is not None:
        context["team"] = list(members)
        for member in context["team"]:
            member.invitation = states.get(member.email.lower())
    return context
