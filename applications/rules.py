"""Who may do what on an application: the one place that says it (django-rules predicates).

Views ask `user.has_perm("applications.<name>", application)` and answer 404 when refused,
so that nobody learns that someone else's application exists.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Application


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


@rules.predicate
def is_programme_staff(user):
    return user.has_perm("calls.change_call")


can_read = is_lead | is_team_member | is_programme_staff

rules.add_perm("applications.read_application", can_read)
rules.add_perm("applications.download_attachment", can_read)
rules.add_perm("applications.edit_draft", is_lead)
rules.add_perm("applications.submit_application", is_lead)
rules.add_perm("applications.withdraw_application", is_lead)
rules.add_perm("applications.reopen_application", is_programme_staff)
rules.add_perm("applications.list_call_applications", is_programme_staff)
# The audit trail names reviewers: staff only (not council members, never applicants).
rules.add_perm("applications.read_audit_trail", is_programme_staff)


def application_or_404(user, pk, permission="applications.read_application"):
    """The application with its call and lead if `user` has `permission` on it; 404 otherwise,
    whoever asks, so that nobody learns that someone else's application exists."""
    application = get_object_or_404(Application.objects.select_related("call", "lead"), pk=pk)
    if not user.has_perm(permission, application):
        raise Http404
    return application
