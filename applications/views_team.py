"""Team members: the lead invites a team row's address; the invitee accepts or declines.

The invitation page is reached by the personal link of the e-mail. Before signing in, a visitor
learns only who invites them and to which call, and whether the link still works; the
application's title is shown to the account signed in with the invited address.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import team
from .rules import application_or_404
from .throttle import throttled


@login_required
@require_POST
@throttled("invite")
def invite(request, pk):
    application = application_or_404(request.user, pk)
    email = request.POST.get("email", "")
    try:
        invitation = team.invite_team_member(application, request.user, email)
    except team.TeamInvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "An invitation was sent to %(email)s. The person may read the application once "
                "they accept it with that address."
            )
            % {"email": invitation.email},
        )
    return redirect(reverse("applications:edit", args=[application.pk]) + "#team")


def invitation(request, token):
    found = team.invitation_for(token)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.path)
        return answer(request, token)
    problem = team.problem_for_visitor(found, user)
    joined = bool(found and user.is_authenticated and found.accepted_by_id == user.pk)
    joined = joined and not problem
    next_query = "?" + urlencode({"next": request.path})
    return render(
        request,
        "applications/team_invitation.html",
        {
            "invitation": found,
            "problem": problem,
            "joined": joined,
            # The title only to the account that owns the invited address.
            "shows_title": bool(found and user.is_authenticated and not problem),
            "expires_at": team.expires_at(found) if found else None,
            "signup_url": reverse("account_signup") + next_query,
            "login_url": reverse("account_login") + next_query,
        },
        status=404 if found is None else 200,
    )


def answer(request, token):
    action = request.POST.get("action")
    try:
        if action == "accept":
            invitation = team.accept_invitation(token, request.user)
        elif action == "decline":
            invitation = team.decline_invitation(token, request.user)
        else:
            messages.error(request, _("Choose to accept or to decline the invitation."))
            return redirect("applications:team_invitation", token=token)
    except team.TeamInvitationError as error:
        messages.error(request, str(error))
        return redirect("applications:team_invitation", token=token)
    if action == "decline":
        messages.success(
            request, _("You declined the invitation: you have no access to this application.")
        )
        return redirect("applications:mine")
    messages.success(
        request,
        _("You joined the team: you may now read this application, its files and its letters."),
    )
    return redirect("applications:edit", pk=invitation.application_id)
