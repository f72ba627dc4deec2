"""Staff and council sessions end after STAFF_IDLE_TIMEOUT seconds without a request.

A browser left open in a shared office must not keep confidential dossiers open for the 14 days
that everyone else's session lasts (SESSION_COOKIE_AGE). The time of the last request is kept in
the session, written at most once a minute (a write costs a query with database sessions): the
session ends between one minute before and the moment the timeout is reached.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .second_factor import needs_second_factor

SESSION_KEY = "accounts_staff_seen"
WRITE_EVERY = 60


def start_clock(request):
    request.session[SESSION_KEY] = int(time.time())


def is_running(request):
    return SESSION_KEY in request.session


def idle_too_long(request):
    seen = request.session.get(SESSION_KEY)
    return seen is not None and time.time() - seen > settings.STAFF_IDLE_TIMEOUT


def note_activity(request):
    """Move the clock on, if it runs and was last moved a minute ago or more."""
    seen = request.session.get(SESSION_KEY)
    if seen is not None and time.time() - seen >= WRITE_EVERY:
        start_clock(request)


def end_session(request):
    """Sign out, and say why on the sign-in page, which leads back to the page asked for (a form
    sent after the timeout is not sent: its page is shown again)."""
    back = request.get_full_path() if request.method == "GET" else request.headers.get("Referer")
    logout(request)
    minutes = settings.STAFF_IDLE_TIMEOUT // 60
    messages.info(
        request,
        _(
            "You were signed out after %(minutes)s minutes without activity, to protect the "
            "confidential data your account can read. Sign in again to go on."
        )
        % {"minutes": minutes},
    )
    login_url = reverse("account_login")
    if not back or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(login_url)
    return redirect_to_login(back, login_url)


def on_logged_in(sender, request, user, **kwargs):
    if request is not None and needs_second_factor(user):
        start_clock(request)


def connect():
    user_logged_in.connect(on_logged_in, dispatch_uid="staff_idle_clock")
