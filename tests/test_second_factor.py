"""Staff and council members pass a second factor before any confidential page answers.

People sign in here through the real sign-in form (not force_login): a password only, then the
code of their authenticator app when they have one.
"""

import html

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from reports.models import Report, ReportKind, ReportState

from .factories import (
    DEFAULT_PASSWORD,
    TOTP_SECRET,
    ApplicationFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
    totp_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

REFUSED = {
    "en": "Two-factor authentication required",
    "fr": "Authentification à deux facteurs requise",
}


def person(email, roles=(), **kwargs):
    user = UserFactory(email=email, roles=list(roles), **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(client, user, code=None):
    """The sign-in form, then the second factor's form if allauth asks for it."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    if response.url == reverse("mfa_authenticate"):
        response = client.post(response.url, {"code": code or totp_code()})
        assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.fixture
def call():
    return CallFactory(closed=True, title_en="Heritage call")


@pytest.fixture
def report(call):
    report = Report.objects.create(
        kind=ReportKind.CALL,
        call=call,
        language="en",
        state=ReportState.DONE,
        progress=100,
        pages=1,
        data_date=timezone.now(),
        finished_at=timezone.now(),
    )
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7\n% confidential\n"), save=True)
    return report


def staff_pages(call, report):
    return {
        "the Wagtail admin": "/admin/",
        "the call's applications": reverse("applications:call_applications", args=[call.slug]),
        "the ranking": reverse("reviews:ranking", args=[call.slug]),
        "a report's PDF": reverse("reports:download", args=[report.pk]),
    }


def council_pages(call, report):
    return {
        "the ranking": reverse("reviews:ranking", args=[call.slug]),
        "the call's reports": reverse("reports:call_reports", args=[call.slug]),
        "a report's PDF": reverse("reports:download", args=[report.pk]),
    }


def assert_refused(response, *, setup):
    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    language = "fr" if '<html lang="fr"' in page else "en"  # the admin speaks its user's
    assert REFUSED[language] in page
    if setup:
        assert reverse("mfa_activate_totp") in page
    else:
        assert reverse("mfa_reauthenticate") in page
    assert "%PDF" not in page


@pytest.mark.parametrize(
    ("roles", "flags", "pages"),
    [
        ([Role.PROGRAMME_MANAGER], {}, staff_pages),
        ([Role.ADMINISTRATOR], {}, staff_pages),
        ([], {"is_staff": True}, staff_pages),
        ([Role.COUNCIL_MEMBER], {}, council_pages),
        ([Role.REVIEWER, Role.COUNCIL_MEMBER], {}, council_pages),
    ],
)
def test_a_password_alone_opens_no_staff_or_council_page(client, call, report, roles, flags, pages):
    someone = person("sans-code@example.org", roles, without_second_factor=True, **flags)
    sign_in(client, someone)

    for url in pages(call, report).values():
        assert_refused(client.get(url), setup=True)


def test_the_refusal_explains_in_french_too(client, call):
    manager = person("gestion@example.org", [Role.PROGRAMME_MANAGER], without_second_factor=True)
    sign_in(client, manager)
    translation.activate("fr")

    url = reverse("applications:call_applications", args=[call.slug])
    page = html.unescape(client.get(url).content.decode())

    assert '<html lang="fr"' in page
    assert 'href="/accounts/2fa/totp/activate/"' in page


def test_the_public_site_and_the_account_pages_stay_open_meanwhile(client, call):
    manager = person("gestion@example.org", [Role.PROGRAMME_MANAGER], without_second_factor=True)
    sign_in(client, manager)

    assert client.get(reverse("notifications:delivery_log")).status_code == 403
    for url in [
        "/en/",
        reverse("calls:list"),
        reverse("calls:detail", args=[call.slug]),
        reverse("opendata:projects"),
        reverse("accounts:profile"),
        reverse("mfa_index"),
        reverse("account_email"),
    ]:
        assert client.get(url).status_code == 200, url


def test_activating_the_authenticator_app_opens_the_staff_pages(
    client, call, report, settings, django_capture_on_commit_callbacks
):
    settings.MFA_TOTP_TOLERANCE = 1
    manager = person("gestion@example.org", [Role.PROGRAMME_MANAGER], without_second_factor=True)
    sign_in(client, manager)
    activate = reverse("mfa_activate_totp")
    reauthenticate = client.get(activate)
    client.post(reauthenticate.url, {"password": DEFAULT_PASSWORD})
    secret = client.get(activate).context["form"].secret

    with django_capture_on_commit_callbacks(execute=True):  # allauth announces it on commit
        activated = client.post(activate, {"code": totp_code(secret)})
    assert activated.status_code == 302
    assert client.get(activated.url).status_code == 200  # the recovery codes

    for name, url in staff_pages(call, report).items():
        assert client.get(url).status_code == 200, name


def test_a_council_member_with_a_device_signs_in_with_the_code_and_reads(client, call, report):
    member = person("conseil@example.org", [Role.COUNCIL_MEMBER])
    assert Authenticator.objects.filter(user=member, type="totp").exists()

    sign_in(client, member, code=totp_code(TOTP_SECRET))

    for name, url in council_pages(call, report).items():
        assert client.get(url).status_code == 200, name


def test_a_session_that_did_not_pass_the_code_is_asked_for_it_then_goes_on(client, call, settings):
    """A session from before the rule (or one whose flag was lost): the device exists, the page
    asks for its code and then opens."""
    settings.MFA_TOTP_TOLERANCE = 1  # the sign-in used this window's code: type the next one
    manager = person("gestion@example.org", [Role.PROGRAMME_MANAGER])
    sign_in(client, manager)
    session = client.session
    del session["accounts_second_factor"]
    session.save()
    url = reverse("applications:call_applications", args=[call.slug])

    refused = client.get(url)
    assert_refused(refused, setup=False)
    prompt = f"{reverse('mfa_reauthenticate')}?next={url}"
    assert html.escape(prompt) in refused.content.decode()
    response = client.post(prompt, {"code": totp_code(step=1)})

    assert response.status_code == 302 and response.url == url
    assert client.get(url).status_code == 200


def test_removing_the_last_device_closes_the_staff_pages_again(client, call, settings):
    settings.MFA_TOTP_TOLERANCE = 1
    manager = person("gestion@example.org", [Role.PROGRAMME_MANAGER])
    sign_in(client, manager)
    url = reverse("applications:call_applications", args=[call.slug])
    assert client.get(url).status_code == 200

    deactivate = reverse("mfa_deactivate_totp")
    prompt = client.get(deactivate)  # removing it asks for a code, not the password
    assert prompt.url.startswith(reverse("mfa_reauthenticate"))
    client.post(prompt.url, {"code": totp_code(step=1)})
    assert client.post(deactivate).status_code == 302

    assert not Authenticator.objects.filter(user=manager).exists()
    assert_refused(client.get(url), setup=True)


def test_reviewers_and_applicants_are_not_asked_for_a_second_factor(client, call):
    reviewer = ReviewerFactory(email="expert@example.org")
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    applicant = person("porteuse@example.org")
    ApplicationFactory(lead=applicant)
    member = person("conseil@example.org", [Role.COUNCIL_MEMBER], without_second_factor=True)
    assert not Authenticator.objects.exists()

    sign_in(client, reviewer)
    assert client.get(reverse("reviews:dashboard")).status_code == 200
    assert client.get(reverse("notifications:inbox")).status_code == 200
    client.logout()
    sign_in(client, applicant)
    assert client.get(reverse("applications:mine")).status_code == 200
    assert client.get(reverse("notifications:inbox")).status_code == 200
    client.logout()
    sign_in(client, member)  # the council is
    assert_refused(client.get(reverse("notifications:inbox")), setup=True)


def test_a_role_given_during_a_session_asks_for_the_second_factor_at_once(client, call):
    reviewer = ReviewerFactory(email="expert@example.org")
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    sign_in(client, reviewer)
    assert client.get(reverse("reviews:dashboard")).status_code == 200

    reviewer.groups.add(Group.objects.get(name=Role.COUNCIL_MEMBER.value))

    assert_refused(client.get(reverse("reviews:dashboard")), setup=True)
    assert_refused(client.get(reverse("reviews:ranking", args=[call.slug])), setup=True)


def test_with_the_cache_down_the_database_says_who_is_staff(client, call, settings):
    """The roles are kept in the cache; Redis restarting opens no staff page."""
    member = person("conseil@example.org", [Role.COUNCIL_MEMBER], without_second_factor=True)
    sign_in(client, member)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }

    assert_refused(client.get(reverse("reviews:ranking", args=[call.slug])), setup=True)


def test_the_profile_reminds_staff_and_council_without_a_device(client):
    member = person("conseil@example.org", [Role.COUNCIL_MEMBER], without_second_factor=True)
    equipped = person("conseil2@example.org", [Role.COUNCIL_MEMBER])
    applicant = person("porteuse@example.org")
    reminder = "Protect your account with two-factor authentication"

    sign_in(client, member)
    assert reminder in client.get(reverse("accounts:profile")).content.decode()
    for someone in (equipped, applicant):
        client.logout()
        sign_in(client, someone)
        assert reminder not in client.get(reverse("accounts:profile")).content.decode()
