from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import second_factor
from .adapter import in_language
from .forms import NamesForm, ProfileForm
from .names import names_given


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect(translate_url(request.path, user.language))
    context = {"form": form, "needs_two_factor": needs_two_factor(request.user)}
    return render(request, "accounts/profile.html", context)


@login_required
def names(request):
    """The names an account made before sign-up asked for them must give once (accounts.names),
    then on to the page it was going to, in the language of this page."""
    asked = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    next_url = safe_next(request, asked)
    onward = in_language(next_url or settings.LOGIN_REDIRECT_URL, get_language())
    user = request.user
    if request.method != "POST" and user.first_name.strip() and user.last_name.strip():
        return redirect(onward)
    form = NamesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        names_given.send(sender=type(user), user=user)
        messages.success(request, _("Thank you, %(name)s: your name is saved.") % {"name": user})
        return redirect(onward)
    context = {"form": form, "next_url": next_url}
    return render(request, "accounts/names.html", context)


def safe_next(request, url):
    """`url` if it leads to this site, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def needs_two_factor(user):
    """Staff and council accounts without an authenticator app or a security key yet."""
    return second_factor.needs_second_factor(user) and not second_factor.has_device(user)


def second_factor_required(request):
    """The answer to staff and council members whose session has not passed a second factor yet
    (accounts.middleware), in place of the page they asked for: why, and the way to set one up
    or to type its code, after which they come back to that page."""
    back = request.get_full_path() if request.method == "GET" else ""
    context = {"has_device": second_factor.has_device(request.user), "next_url": back}
    return render(request, "accounts/second_factor_required.html", context, status=403)


def admin_login(request):
    """Where the Wagtail admin sends people (WAGTAILADMIN_LOGIN_URL).

    Visitors sign in through allauth (with two-factor authentication); signed-in people without
    access to the admin are told so, instead of bouncing between the admin and the login page.
    """
    next_url = safe_next(request, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if not request.user.is_authenticated:
        return redirect_to_login(next_url or "/admin/", login_url=reverse("account_login"))
    if request.user.has_perm("wagtailadmin.access_admin"):
        return redirect(next_url or "/admin/")
    return render(request, "accounts/admin_forbidden.html", status=403)
