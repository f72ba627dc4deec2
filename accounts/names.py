"""Every account carries its holder's name: pages, e-mails, receipts, letters and team rows name
people by it (User.__str__). Sign-up asks for it (forms.SignupNamesForm); an account made
before it did, or through ORCID without a name, is asked once, at its next page after signing
in: the middleware sends it to the names page, which then goes on to the page asked for.

The only way past the names page is to give them or to sign out. What never waits for a name:
allauth's pages (sign-in and sign-out, the second factor, e-mail, password), the names page and
the admin's login page, the open data API and the documents, and files served in development.
The middleware runs after StaffSessionMiddleware: staff pass their second factor first. It
reads the user that the session loaded: no query.
"""

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.dispatch import Signal
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

NAMES_PAGE = "accounts:names"
OPEN_NAMESPACES = {"api", "opendata", "wagtaildocs", "health"}
OPEN_ACCOUNT_PAGES = {"names", "admin_login"}
OPEN_URL_NAMES = {"wagtailadmin_login", "wagtailadmin_logout"}
OPEN_PACKAGES = {"allauth"}
OPEN_MODULES = {"django.views.static"}  # images and files served by runserver (DEBUG)

# Sent with `user` when an account gives its names on the names page: what copied its address
# in their place (the lead's row of its drafts) can put them there.
names_given = Signal()


def lacks_name(user):
    """Whether a signed-in account has no given name or no family name yet."""
    if not user.is_authenticated:
        return False
    return not (user.first_name.strip() and user.last_name.strip())


def waits_for_no_name(view_func, match):
    if match.url_name in OPEN_ACCOUNT_PAGES and "accounts" in match.namespaces:
        return True
    if match.url_name in OPEN_URL_NAMES:
        return True
    if OPEN_NAMESPACES.intersection(match.namespaces):
        return True
    module = view_func.__module__
    return module in OPEN_MODULES or module.partition(".")[0] in OPEN_PACKAGES


class NamesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not lacks_name(request.user) or waits_for_no_name(view_func, request.resolver_match):
            return None
        if request.headers.get("X-Requested-With"):
            # A page's script (the draft's autosave) from a session opened before names were
            # asked: it says why it was not saved, and the page keeps what was typed.
            message = _("Give your name first: reload the page, then save again.")
            return JsonResponse({"error": message}, status=403)
        return redirect(names_page(request))


def names_page(request):
    """The names page, with the page asked for as `next` (for a GET: a form sent without a
    name is not sent again)."""
    url = reverse(NAMES_PAGE)
    if request.method in ("GET", "HEAD"):
        url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return url
