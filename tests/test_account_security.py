"""Accounts before production: one way to reset a password (allauth's, rate-limited and logged),
passwords of at least 12 characters, and an e-mail through the outbox when a password or an
address changes."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core import mail

from accounts.models import User
from demo.people import DEMO_PASSWORD
from notifications.models import Message

from .factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and new passphrase 42"
# Eight characters, neither common nor numeric nor like the address: only its length is wrong.
SHORT_PASSWORD = "Vq7#kLm2"


def verified_user(email="lectrice@example.org", **kwargs):
    user = UserFactory(email=email, **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def account_messages(address):
    return Message.objects.filter(event="account", email=address)


# Wagtail's own password reset is closed; allauth's is the only one


def test_the_admin_password_reset_serves_no_form_and_sends_nothing(client):
    verified_user(email="gestion@example.org", is_staff=True)

    form = client.get("/admin/password_reset/")
    sent = client.post("/admin/password_reset/", {"email": "gestion@example.org"})

    assert form.status_code == 404
    assert 'name="email"' not in form.content.decode()
    assert sent.status_code == 404
    assert mail.outbox == []
    assert not Message.objects.exists()


def test_allauths_password_reset_still_writes_its_link_to_the_outbox(
    client, django_capture_on_commit_callbacks
):
    verified_user()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "lectrice@example.org"})

    assert response.status_code == 302
    assert account_messages("lectrice@example.org").count() == 1
    [sent] = mail.outbox
    assert sent.to == ["lectrice@example.org"]
    assert "/accounts/password/reset/key/" in sent.body


def test_staff_change_their_password_and_address_through_allauth_not_the_admin(client):
    """Wagtail's account page would change them without the notice e-mail (and the address
    without confirming it)."""
    staff = verified_user(email="gestion@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)  # with the second factor the factory gives staff

    account_page = client.get("/admin/account/")
    settings_page = account_page.content.decode()
    changed = client.post(
        "/admin/account/",
        {
            "password-old_password": DEFAULT_PASSWORD,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
            "email-email": "pirate@example.org",
        },
    )

    assert account_page.status_code == 200
    assert 'name="password-new_password1"' not in settings_page
    assert 'name="email-email"' not in settings_page
    assert changed.status_code in (200, 302)
    staff.refresh_from_db()
    assert staff.check_password(DEFAULT_PASSWORD)
    assert staff.email == "gestion@example.org"


# Passwords of at least 12 characters


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("/en", "This password is too short. It must contain at least 12 characters."),
    ],
)
def test_sign_up_refuses_an_8_character_password_beside_the_field(client, prefix, message):
    response = client.post(
        f"{prefix}/accounts/signup/",
        {
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "email": "nouvelle@example.org",
            "password1": SHORT_PASSWORD,
            "password2": SHORT_PASSWORD,
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(email="nouvelle@example.org").exists()
    error = html.split('id="id_password1_error"', 1)[1].split("</div>", 1)[0]
    assert message in error


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("/en", "This password is too short. It must contain at least 12 characters."),
    ],
)
def test_password_change_refuses_an_8_character_password_beside_the_field(client, prefix, message):
    user = verified_user()
    client.force_login(user)

    response = client.post(
        f"{prefix}/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": SHORT_PASSWORD, "password2": SHORT_PASSWORD},
    )

    assert response.status_code == 200
    error = response.content.decode().split('id="id_password1_error"', 1)[1].split("</div>")[0]
    assert message in error
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_twelve_character_password_is_accepted(client):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "email": "nouvelle@example.org",
            "password1": "Vq7#kLm2pX9t",
            "password2": "Vq7#kLm2pX9t",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="nouvelle@example.org").check_password("Vq7#kLm2pX9t")


def test_the_demo_factory_and_browser_test_passwords_pass_the_validators():
    browser_password = "Un mot de passe assez long 2026"  # tests/e2e/test_journeys.py
    for password in (DEMO_PASSWORD, DEFAULT_PASSWORD, NEW_PASSWORD, browser_password):
        validate_password(password, User(email="porteuse@example.org"))


# A notice when a password or an address changes, through the outbox, in the user's language


def change_password(client, prefix=""):
    return client.post(
        f"{prefix}/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


@pytest.mark.parametrize(
    ("language", "subject", "text"),
    [
        ("fr", "[CollEx-Persée] Mot de passe modifié", "Votre mot de passe a été modifié."),
        ("en", "[CollEx-Persée] Password Changed", "Your password has been changed."),
    ],
)
def test_changing_the_password_writes_a_notice_in_the_users_language(
    client, django_capture_on_commit_callbacks, language, subject, text
):
    user = verified_user(language=language)
    client.force_login(user)

    # The page in the other language: the notice follows the account's.
    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(client, prefix="" if language == "en" else "/en")

    assert response.status_code == 302
    message = account_messages("lectrice@example.org").get()
    assert (message.language, message.subject) == (language, subject)
    assert text in message.text
    assert "127.0.0.1" in message.text  # where the change came from
    assert not message.in_inbox
    assert [sent.to for sent in mail.outbox] == [["lectrice@example.org"]]


def test_making_another_address_primary_tells_the_old_address(
    client, django_capture_on_commit_callbacks
):
    user = verified_user()
    EmailAddress.objects.create(user=user, email="nouvelle@example.org", verified=True)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/email/", {"action_primary": "", "email": "nouvelle@example.org"}
        )

    assert response.status_code == 302
    message = account_messages("lectrice@example.org").get()
    assert message.subject == "[CollEx-Persée] E-mail modifié"
    assert (
        "Votre adresse e-mail a été modifiée de lectrice@example.org à nouvelle@example.org."
        in message.text
    )


def test_adding_an_address_confirms_it_and_removing_one_tells_the_primary_address(
    client, django_capture_on_commit_callbacks
):
    user = verified_user()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"action_add": "", "email": "nouvelle@example.org"})
        client.post("/accounts/email/", {"action_remove": "", "email": "nouvelle@example.org"})

    assert account_messages("nouvelle@example.org").count() == 1  # the confirmation link
    removed = account_messages("lectrice@example.org").get()
    assert "L'adresse e-mail nouvelle@example.org a été retirée de votre compte." in removed.text
