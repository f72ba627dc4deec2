"""Accounts: sign-up with e-mail verification, sign-in, password reset, ORCID, 2FA, profile."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.socialaccount.models import SocialApp
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.identifiers import normalise_ror
from accounts.models import Institution, User
from accounts.roles import Role

from .factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and new passphrase 42"
LINK_RE = re.compile(r"https?://\S+")


def verified_user(email="lectrice@example.org", **kwargs):
    """A user whose e-mail address is verified, as after following the sign-up link."""
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_up(client, email="nouvelle@example.org", prefix=""):
    return client.post(
        f"{prefix}/accounts/signup/",
        {
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "email": email,
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )


def link_in(message):
    links = LINK_RE.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]


def log_in(client, email, password=DEFAULT_PASSWORD, prefix=""):
    return client.post(f"{prefix}/accounts/login/", {"login": email, "password": password})


# Sign-up and e-mail verification


def test_signup_sends_one_verification_email_with_a_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="nouvelle@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject.startswith("[CollEx-Persée]")
    assert link_in(message).startswith("http://testserver/accounts/confirm-email/")
    # Not logged in until the address is verified.
    assert "_auth_user_id" not in client.session


def test_verification_email_is_in_the_language_of_the_signup(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="english@example.org", prefix="/en")
        sign_up(client, email="francais@example.org")

    english, french = mail.outbox
    assert "Hello from CollEx-Persée!" in english.body
    assert link_in(english).startswith("http://testserver/en/accounts/confirm-email/")
    assert "Bonjour, c'est CollEx-Persée" in french.body
    assert User.objects.get(email="english@example.org").language == "en"
    assert User.objects.get(email="francais@example.org").language == "fr"


def test_following_the_link_confirms_the_email_and_logs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "nouvelle@example.org" in page.content.decode()
    assert not EmailAddress.objects.get(email="nouvelle@example.org").verified

    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified
    assert client.get("/accounts/profile/").status_code == 200


def test_confirming_an_english_sign_up_lands_on_the_english_home_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="english@example.org", prefix="/en")

    response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 302
    assert response.url == "/en/"


@pytest.mark.parametrize("prefix, home", [("", "/"), ("/en", "/en/")])
def test_signing_out_leads_to_the_home_page_in_the_same_language(client, prefix, home):
    client.force_login(verified_user())

    response = client.post(f"{prefix}/accounts/logout/")

    assert response.status_code == 302
    assert response.url == home


def test_login_before_verification_goes_to_the_verification_sent_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
        response = log_in(client, "nouvelle@example.org")

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 2  # the link is sent again
    assert client.get("/accounts/profile/").status_code == 302


def test_login_with_a_verified_email_is_case_insensitive(client):
    verified_user()
    response = log_in(client, "Lectrice@Example.ORG")
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_wrong_password_shows_an_error(client):
    verified_user()
    response = log_in(client, "lectrice@example.org", password="not the password", prefix="/en")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "alert-danger" in html
    assert "The email address and/or password you specified are not correct." in html


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, django_capture_on_commit_callbacks
):
    verified_user()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "lectrice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    assert link.startswith("http://testserver/accounts/password/reset/key/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    client.logout()
    assert log_in(client, "lectrice@example.org").status_code == 200  # old one refused
    assert log_in(client, "lectrice@example.org", password=NEW_PASSWORD).status_code == 302


# Pages, languages and providers


def test_signup_page_in_english_and_in_french(client):
    english = client.get("/en/accounts/signup/")
    french = client.get("/accounts/signup/")

    assert english.status_code == french.status_code == 200
    assert "Sign Up" in english.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert "Création de compte" in french.content.decode()
    assert '<html lang="fr">' in french.content.decode()


def test_signup_form_has_labels_and_bootstrap_fields(client):
    response = sign_up(client, email="not-an-email")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_email" class="form-label' in html
    assert "form-control is-invalid" in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error" class="invalid-feedback"' in html


def test_orcid_button_absent_by_default(client):
    assert "orcid" not in client.get("/accounts/login/").content.decode().lower()


def test_orcid_button_present_when_orcid_is_configured(client):
    SocialApp.objects.create(provider="orcid", name="ORCID", client_id="APP-1", secret="s")
    login = client.get("/en/accounts/login/").content.decode()
    signup = client.get("/en/accounts/signup/").content.decode()
    assert "Sign in with ORCID" in login
    assert "/en/accounts/orcid/login/" in login
    assert "Sign in with ORCID" in signup


def test_orcid_button_from_settings(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "orcid": {"APPS": [{"client_id": "APP-1", "secret": "s", "key": ""}]}
    }
    assert "Sign in with ORCID" in client.get("/en/accounts/login/").content.decode()


def test_admin_login_redirects_to_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
    assert response.status_code == 200
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_admin_login_ignores_a_next_url_on_another_site(client):
    response = client.get("/accounts/login/admin/?next=https://evil.example/")
    assert response.url == "/accounts/login/?next=/admin/"


def test_logout_asks_then_logs_out(client):
    verified_user()
    log_in(client, "lectrice@example.org")
    assert client.get("/accounts/logout/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/profile/",
        "/en/accounts/profile/",
    ],
)
def test_account_pages_open_for_a_signed_in_user(client, url):
    verified_user()
    log_in(client, "lectrice@example.org")
    response = client.get(url)
    assert response.status_code == 200
    assert "<main" in response.content.decode()  # in the site layout


# Two-factor authentication


def current_totp_code(secret):
    """The code an authenticator app shows now (the middle of the accepted window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_staff_activates_totp_then_needs_a_code_to_sign_in(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30-second step still counts
    manager = verified_user(
        email="gestion@example.org", roles=[Role.PROGRAMME_MANAGER], without_second_factor=True
    )
    log_in(client, manager.email)
    profile = client.get("/en/accounts/profile/").content.decode()
    assert "Protect your account with two-factor authentication" in profile

    # Changing the second factor asks for the password again.
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/reauthenticate/")
    response = client.post(response.url, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    page = client.get("/en/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    wrong = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    profile = client.get("/en/accounts/profile/").content.decode()
    assert "Protect your account with two-factor authentication" not in profile
    assert client.get("/en/accounts/2fa/recovery-codes/").status_code == 200

    client.logout()
    response = log_in(client, manager.email)
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_applicants_are_not_prompted_for_two_factor(client):
    verified_user()
    log_in(client, "lectrice@example.org")
    profile = client.get("/en/accounts/profile/").content.decode()
    assert "Protect your account with two-factor authentication" not in profile
    assert 'href="/en/accounts/2fa/"' in profile


# Profile


def test_profile_requires_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("000000021694233x", "0000-0002-1694-233X"),
        ("", ""),
    ],
)
def test_profile_saves_a_valid_orcid_normalised(client, typed, stored):
    user = verified_user()
    client.force_login(user)
    response = client.post(
        "/en/accounts/profile/",
        {"first_name": "Ada", "last_name": "Lovelace", "language": "en", "orcid": typed},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.orcid == stored
    assert user.first_name == "Ada"


def test_profile_refuses_an_orcid_with_a_bad_checksum(client):
    user = verified_user()
    client.force_login(user)
    response = client.post(
        "/en/accounts/profile/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "language": "en",
            "orcid": "0000-0002-1825-0098",
        },
    )
    assert response.status_code == 200
    assert "This ORCID iD is not valid" in response.content.decode()
    user.refresh_from_db()
    assert user.orcid == ""


def test_saving_the_profile_in_another_language_switches_the_site(client):
    user = verified_user()
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {"first_name": "Ada", "last_name": "Lovelace", "language": "en", "orcid": ""},
    )
    assert response.status_code == 302
    assert response.url == "/en/accounts/profile/"


@pytest.mark.parametrize("value", ["02feahw73", "https://ror.org/02feahw73", " 02FEAHW73 "])
def test_valid_ror_identifiers(value):
    assert normalise_ror(value) == "02feahw73"


def test_ror_with_a_bad_checksum_is_refused():
    with pytest.raises(ValidationError, match="deux derniers chiffres ne correspondent pas"):
        normalise_ror("02feahw74")
    institution = Institution(name="CNRS", ror="02feahw74")
    with pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert "ror" in error.value.message_dict


def test_after_login_a_user_who_prefers_english_gets_english(client):
    verified_user(language="en")
    response = log_in(client, "lectrice@example.org")
    assert response.status_code == 302
    assert response.url == "/en/"


def test_after_login_on_an_english_page_an_english_user_stays_in_english(client):
    verified_user(language="en")
    response = log_in(client, "lectrice@example.org", prefix="/en")
    assert response.status_code == 302
    assert response.url == "/en/"


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/en/accounts/password/reset/",
    ],
)
def test_entrance_pages_open_for_visitors_in_the_site_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<main" in html
    assert "CollEx-Persée</title>" in html.replace("\n", "")


def test_signup_succeeds_when_the_broker_is_down(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    """A broken task queue never turns a user's action into an error page."""
    from kombu.exceptions import OperationalError

    from notifications.tasks import send_delivery

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_delivery, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="panne@example.org")

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert User.objects.filter(email="panne@example.org").exists()


@pytest.mark.django_db
def test_orcid_addresses_are_not_found_until_orcid_is_configured(client):
    from django.conf import settings

    assert "orcid" not in settings.SOCIALACCOUNT_PROVIDERS  # no credentials in the tests
    assert client.get("/accounts/orcid/login/").status_code == 404
    assert client.get("/accounts/orcid/login/callback/").status_code == 404
