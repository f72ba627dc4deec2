"""Inviting reviewers by e-mail: the link lets them create an account (or sign in) and become a
reviewer with a profile to fill in."""

import datetime as dt

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.facts import person_facts
from accounts.roles import Role
from calls.facts import call_facts
from notifications.events import Event
from notifications.services import notify

from .errors import ReviewError
from .facts import invitation_facts
from .models import Invitation, ReviewerProfile

VALID_FOR = dt.timedelta(days=30)


def invite_reviewer(*, email, actor, name="", message="", call=None, language="fr"):
    """Record an invitation and send its link, in the language chosen for the invitee."""
    email = email.strip().lower()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, name=name.strip(), message=message.strip(), call=call, invited_by=actor
        )
        notify(
            Event.REVIEWER_INVITED,
            [email],
            {
                "invitation": invitation_facts(invitation),
                "inviter": person_facts(actor),
                "call": call_facts(call) if call else None,
            },
            url=reverse("reviews:invitation", args=[invitation.token]),
            language=language,
        )
    return invitation


def invitation_problem(invitation, user, now=None):
    """Why `user` cannot accept `invitation`, or None."""
    now = now or timezone.now()
    if invitation.accepted_at:
        if invitation.accepted_by_id == user.pk:
            return None
        return _("This invitation has already been accepted.")
    if invitation.created_at + VALID_FOR < now:
        return _("This invitation has expired. Ask the programme team for a new one.")
    if invitation.email.lower() != user.email.lower():
        return _(
            "This invitation was sent to %(email)s. Sign in with that address to accept it."
        ) % {"email": invitation.email}
    return None


def accept_invitation(invitation, user, now=None):
    """Make `user` a reviewer with a profile; idempotent for the same user."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        problem = invitation_problem(invitation, user, now)
        if problem:
            raise ReviewError(problem)
        user.groups.add(Group.objects.get(name=Role.REVIEWER.value))
        ReviewerProfile.objects.get_or_create(user=user)
        if not invitation.accepted_at:
            invitation.accepted_at = now
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation
