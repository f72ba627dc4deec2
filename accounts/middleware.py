"""Staff and council sessions: the second factor before any confidential page, re-authentication
before the sensitive pages of the Wagtail admin, the idle timeout.

Runs after allauth's AccountMiddleware (needs request.user and the messages). Reads the session
and the cache (the person's roles, see second_factor.needs_second_factor): no query per request.
"""

from . import idle, reauthentication, second_factor
from .views import second_factor_required

# What anyone may open without a second factor: the public site and the open data, and the
# account's own pages (sign-in and sign-out, e-mail, password, the second factor itself).
PUBLIC_NAMESPACES = {"calls", "opendata", "api", "accounts", "health"}
PUBLIC_URL_NAMES = {
    "wagtail_serve",
    "wagtailcore_login",
    "wagtailcore_authenticate_with_password",
}
ACCOUNT_VIEWS_PACKAGE = "allauth"


def is_open_to_all(view_func, match):
    if match.url_name in PUBLIC_URL_NAMES:
        return True
    if PUBLIC_NAMESPACES.intersection(match.namespaces):
        return True
    return view_func.__module__.partition(".")[0] == ACCOUNT_VIEWS_PACKAGE


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if idle.idle_too_long(request):
            return idle.end_session(request)
        idle.note_activity(request)
        match = request.resolver_match
        if is_open_to_all(view_func, match):
            return None
        if not second_factor.session_passed(request) and second_factor.needs_second_factor(user):
            if not idle.is_running(request):
                idle.start_clock(request)
            return second_factor_required(request)
        sensitive = reauthentication.is_sensitive_admin_view(match)
        if sensitive and reauthentication.needs_reauthentication(request):
            return reauthentication.ask_to_reauthenticate(request)
        return None
