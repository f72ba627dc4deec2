"""The second factors' secrets are encrypted at rest with MFA_ENCRYPTION_KEY, those stored in the
clear before are encrypted once by a migration, and no staff screen shows them."""

import importlib
import json
import secrets

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.roles import Role

from .factories import TOTP_SECRET, UserFactory, totp_code
from .test_deploy import SERVICES, manage

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("accounts.migrations.0004_encrypt_second_factor_secrets")


def stored_data(authenticator):
    """The row as the database holds it, past the model."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        (data,) = cursor.fetchone()
    return data if isinstance(data, str) else json.dumps(data)


def test_a_totp_secret_is_stored_encrypted_and_still_checks_codes():
    manager = UserFactory(roles=[Role.PROGRAMME_MANAGER])
    device = Authenticator.objects.get(user=manager, type=Authenticator.Type.TOTP)

    assert TOTP_SECRET not in stored_data(device)
    assert device.data["secret"].startswith("gAAAAA")  # a Fernet token
    wrong = f"{(int(totp_code()) + 1) % 1_000_000:06d}"
    assert not device.wrap().validate_code(wrong)
    assert device.wrap().validate_code(totp_code())


def test_recovery_codes_come_from_an_encrypted_seed():
    member = UserFactory(roles=[Role.COUNCIL_MEMBER])
    codes = RecoveryCodes.activate(member)
    seed = codes.instance.data["seed"]

    assert seed.startswith("gAAAAA")
    unused = codes.get_unused_codes()
    assert not any(code in stored_data(codes.instance) for code in unused)
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(unused[0])


def test_the_key_comes_from_the_setting_and_an_old_key_still_opens(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEY = old
    manager = UserFactory(roles=[Role.PROGRAMME_MANAGER])
    token = Authenticator.objects.get(user=manager).data["secret"]
    assert Fernet(old).decrypt(token.encode()).decode() == TOTP_SECRET

    settings.MFA_ENCRYPTION_KEY = f"{new},{old}"

    assert Authenticator.objects.get(user=manager).wrap().validate_code(totp_code())


def plain_devices():
    """Devices as allauth stored them before the platform's adapter: secrets in the clear."""
    user = UserFactory()
    totp = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    seed = secrets.token_hex(40)
    codes = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": seed, "used_mask": 0, "migrated_codes": ["12345678", "87654321"]},
    )
    return totp, codes, seed


def test_the_migration_encrypts_the_secrets_stored_in_the_clear_once():
    totp, codes, seed = plain_devices()

    MIGRATION.encrypt_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    once = (totp.data, codes.data)
    MIGRATION.encrypt_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()

    assert (totp.data, codes.data) == once  # the second run changed nothing
    assert TOTP_SECRET not in stored_data(totp)
    assert seed not in stored_data(codes) and "12345678" not in stored_data(codes)
    assert totp.wrap().validate_code(totp_code())
    assert RecoveryCodes(codes).validate_code("87654321")


def test_the_migration_goes_back_to_the_clear_secrets():
    totp, codes, seed = plain_devices()
    MIGRATION.encrypt_secrets(apps, None)

    MIGRATION.decrypt_secrets(apps, None)

    totp.refresh_from_db()
    codes.refresh_from_db()
    assert totp.data == {"secret": TOTP_SECRET}
    assert codes.data["seed"] == seed and codes.data["migrated_codes"] == ["12345678", "87654321"]


def test_a_secret_encrypted_with_another_key_stops_the_migration(settings):
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    UserFactory(roles=[Role.PROGRAMME_MANAGER])
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(ImproperlyConfigured, match="MFA_ENCRYPTION_KEY"):
        MIGRATION.encrypt_secrets(apps, None)


def test_the_admins_user_pages_show_no_secret(client, administrator):
    manager = UserFactory(email="gestion@example.org", roles=[Role.PROGRAMME_MANAGER])
    codes = RecoveryCodes.activate(manager)
    hidden = [
        TOTP_SECRET,
        Authenticator.objects.get(user=manager, type="totp").data["secret"],
        codes.instance.data["seed"],
        *codes.get_unused_codes(),
    ]
    client.force_login(administrator)

    for url in ("/admin/users/", f"/admin/users/edit/{manager.pk}/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "gestion@example.org" in page
        assert not [secret for secret in hidden if secret in page], url


def test_production_refuses_to_start_with_a_malformed_key():
    """Without one, it stops as without a database (tests/test_deploy.py)."""
    environment = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "guichet.example.org",
        **SERVICES,
        "MFA_ENCRYPTION_KEY": "not-a-fernet-key",
    }

    result = manage("check", **environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "MFA_ENCRYPTION_KEY" in result.stderr
