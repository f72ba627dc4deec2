"""Sensitive actions ask to re-authenticate when the person last proved who they are more than
ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago.

The actions: recording decisions, sending letters, the auditors' ZIP (a decorator on their views)
and, in the Wagtail admin, the users and groups pages and the edit and creation of the templates
that staff write (SENSITIVE_ADMIN_VIEWS, asked by accounts.middleware). The prompt is allauth's:
the second factor for whoever has one (AccountAdapter.get_reauthentication_methods), else the
password. A form sent meanwhile is kept by allauth and sent once the person has re-authenticated,
so nothing typed is lost.

allauth's own check counts re-authentications only, so that a sensitive action right after
signing in would ask again; here signing in counts too: allauth records every step (password,
second factor, re-authentication) with its time in the session, and the newest one is read.
"""

import time

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.flows.reauthentication import suspend_request

# Wagtail's admin views, by URL namespace: every page of some, the named pages of others.
SENSITIVE_ADMIN_VIEWS = {
    "wagtailusers_users": None,
    "wagtailusers_groups": None,
    "wagtailsnippets_notifications_messagetemplate": {"add", "edit", "copy", "delete"},
    "wagtailsnippets_decisions_lettertemplate": {"add", "edit", "copy", "delete"},
    "wagtailsnippets_projects_agreementtemplate": {"add", "edit", "copy", "delete"},
}


def authenticated_recently(request):
    records = get_authentication_records(request, request.user)
    newest = max((record.get("at", 0) for record in records), default=0)
    return time.time() - newest < app_settings.REAUTHENTICATION_TIMEOUT


def needs_reauthentication(request):
    return not authenticated_recently(request)


def recent_authentication_required(view=None, *, allow_get=True):
    """allauth's reauthentication_required, asked only once the last sign-in or
    re-authentication is too old. allow_get=False for a download (a GET that is the action)."""
    decorator = reauthentication_required(allow_get=allow_get, enabled=needs_reauthentication)
    return decorator(view) if view is not None else decorator


def is_sensitive_admin_view(match):
    for namespace in match.namespaces:
        if namespace in SENSITIVE_ADMIN_VIEWS:
            names = SENSITIVE_ADMIN_VIEWS[namespace]
            return names is None or match.url_name in names
    return False


def ask_to_reauthenticate(request):
    """What allauth's middleware answers a view that raises ReauthenticationRequired: the
    prompt, with the request kept in the session to be sent again afterwards."""
    methods = get_adapter().get_reauthentication_methods(request.user)
    return suspend_request(request, methods[0]["url"])
