"""The second factors' secrets (a TOTP key, the seed of the recovery codes) are stored encrypted.

Fernet (AES-128 in CBC mode with an HMAC-SHA256, from the `cryptography` package) with the key of
MFA_ENCRYPTION_KEY: a database dump or a backup alone no longer lets anyone compute a staff
member's codes. Production must give the key (config/settings/production.py); elsewhere it is
derived from SECRET_KEY. Several keys separated by commas may be given: the first encrypts, each
decrypts, so that a new key can come first while the secrets are re-encrypted.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Every Fernet token starts with its version byte (0x80) and a timestamp's high bytes (zero until
# the year 36812): "gAAAAA" in base64. No TOTP key (base32) or seed (hex) can start so.
TOKEN_PREFIX = "gAAAAA"


def keys():
    configured = [key.strip() for key in settings.MFA_ENCRYPTION_KEY.split(",") if key.strip()]
    return configured or [derived_key(settings.SECRET_KEY)]


def derived_key(secret_key):
    """A Fernet key of its own for development and tests, from the project's SECRET_KEY."""
    digest = hashlib.sha256(f"collex second factors: {secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def cipher():
    try:
        return MultiFernet([Fernet(key) for key in keys()])
    except ValueError as error:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEY must be a Fernet key, 32 bytes in URL-safe base64 (make one with "
            "`python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`), or several separated by commas: "
            f"{error}"
        ) from None


def encrypt(text):
    return cipher().encrypt(text.encode()).decode()


def decrypt(token):
    """The clear text; InvalidToken for a value that no key opens (or a value in the clear)."""
    return cipher().decrypt(token.encode()).decode()


def is_encrypted(value):
    """Whether `value` is already a token. A token that no key opens is an error, never taken
    for a clear value (it would be encrypted twice and lost)."""
    try:
        decrypt(value)
    except InvalidToken:
        if value.startswith(TOKEN_PREFIX):
            raise ImproperlyConfigured(
                "A second factor's secret is encrypted with a key that MFA_ENCRYPTION_KEY does "
                "not hold."
            ) from None
        return False
    return True
