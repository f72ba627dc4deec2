"""Brute force and scripts: failed logins, submissions and uploads are rate-limited per account."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from .factories import DEFAULT_PASSWORD, ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


@override_settings(COLLEX_RATE_LIMITS={"submit": "2/m", "upload": "2/m"})
def test_a_third_submission_attempt_in_a_minute_waits(client, applicant, open_call):
    application = ApplicationFactory(call=open_call, lead=applicant, complete=True)
    url = reverse("applications:submit", args=[application.pk])
    client.force_login(applicant)

    answers = [client.post(url).status_code for _ in range(3)]

    assert answers[:2] != [429, 429] and answers[2] == 429
    page = client.post(url).content.decode()
    assert "Trop de tentatives" in page  # in the user's language
    # Another account is not slowed down by this one.
    other = UserFactory()
    client.force_login(other)
    assert client.post(url).status_code == 404


@override_settings(COLLEX_RATE_LIMITS={"submit": "2/m", "upload": "2/m"})
def test_uploads_are_limited_per_account(client, applicant, open_call):
    application = ApplicationFactory(call=open_call, lead=applicant)
    url = reverse("applications:upload", args=[application.pk, "question"])
    client.force_login(applicant)

    answers = [client.post(url, {"version": application.version}).status_code for _ in range(3)]

    assert 429 not in answers[:2] and answers[2] == 429


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,2/5m/key"})
def test_repeated_failed_logins_are_refused_even_with_the_right_password(client):
    user = UserFactory(email="cible@example.org")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with translation.override("en"):
        url = reverse("account_login")
    for _ in range(2):
        client.post(url, {"login": user.email, "password": "wrong password"})

    response = client.post(url, {"login": user.email, "password": DEFAULT_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@override_settings(
    COLLEX_RATE_LIMITS={"submit": "2/m", "upload": "2/m"},
    CACHES={
        "default": {
            # Nothing listens there: the cache is down, as when Redis restarts.
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    },
)
def test_a_submission_goes_through_when_the_cache_of_the_limits_is_down(
    client, applicant, open_call
):
    application = ApplicationFactory(call=open_call, lead=applicant, complete=True)
    client.force_login(applicant)

    response = client.post(reverse("applications:submit", args=[application.pk]))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "submitted"


@override_settings(COLLEX_RATE_LIMITS={"submit": "2/m", "upload": "2/m", "invite": "2/h"})
def test_team_invitations_are_limited_per_account(client, applicant, open_call):
    """Each invitation is an e-mail to an address the applicant typed: not a mailing tool."""
    from applications.models import TeamInvitation

    from .factories import TeamMemberFactory

    application = ApplicationFactory(call=open_call, lead=applicant)
    for number in range(3):
        TeamMemberFactory(application=application, email=f"membre{number}@example.org")
    url = reverse("applications:invite_member", args=[application.pk])
    client.force_login(applicant)

    answers = [
        client.post(url, {"email": f"membre{number}@example.org"}).status_code
        for number in range(3)
    ]

    assert answers == [302, 302, 429]
    assert TeamInvitation.objects.count() == 2


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "2/5m/ip"}, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_failed_logins_are_counted_per_client_not_per_proxy(client):
    """TRUSTED_PROXIES=1 (a reverse proxy): each visitor has their own count, so that one script
    does not lock everybody out of signing in."""
    UserFactory(email="cible@example.org")
    with translation.override("en"):
        url = reverse("account_login")
    for _ in range(3):
        client.post(
            url,
            {"login": "cible@example.org", "password": "wrong password"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",  # as the proxy appends it
        )

    other = client.post(
        url,
        {"login": "cible@example.org", "password": "wrong password"},
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",  # the first one forged
    )

    assert "Too many failed login attempts" not in other.content.decode()


def test_one_setting_says_how_many_proxies_every_limit_trusts(settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
