"""The demo's staff and council accounts have an authenticator app with the demo's published key,
and `manage.py demo_totp` gives its current code, for those accounts only."""

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from demo.people import DEMO_PASSWORD, DEMO_USERS, demo_password_hash, load_demo_users

from .factories import UserFactory

pytestmark = pytest.mark.django_db

EQUIPPED = [facts["email"] for facts in DEMO_USERS if facts.get("totp")]


def demo_totp(email):
    out = StringIO()
    call_command("demo_totp", email, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.fixture
def demo_people():
    return load_demo_users(demo_password_hash())


def test_staff_and_council_sign_in_with_the_code_the_command_prints(client, demo_people):
    assert EQUIPPED == ["admin@example.org", "gestion@example.org", "conseil@example.org"]
    for email in EQUIPPED:
        asked = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert asked.url == "/accounts/2fa/authenticate/", email
        client.post(asked.url, {"code": demo_totp(email)})
        user = User.objects.get(email=email)
        assert client.session["_auth_user_id"] == str(user.pk)
        assert client.session["accounts_second_factor"] == str(user.pk)
        client.logout()


def test_reviewers_and_applicants_of_the_demo_have_no_device(demo_people):
    others = [facts["email"] for facts in DEMO_USERS if not facts.get("totp")]
    assert others and not Authenticator.objects.filter(user__email__in=others).exists()


def test_a_second_load_keeps_the_devices(demo_people):
    before = set(Authenticator.objects.values_list("pk", flat=True))

    load_demo_users(demo_password_hash())

    assert set(Authenticator.objects.values_list("pk", flat=True)) == before


def test_the_command_gives_no_other_accounts_code(demo_people):
    UserFactory(email="vraie-gestionnaire@example.org", roles=[Role.PROGRAMME_MANAGER])
    replaced = User.objects.get(email="conseil@example.org")
    Authenticator.objects.filter(user=replaced).delete()
    TOTP.activate(replaced, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # her own app now

    for email in (
        "vraie-gestionnaire@example.org",
        "expert1@example.org",
        "conseil@example.org",
        "personne@example.org",
    ):
        with pytest.raises(CommandError, match="no authenticator app set up by the demo"):
            demo_totp(email)
