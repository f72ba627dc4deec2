"""Encrypt the second factors' secrets stored in the clear before accounts.adapter.MFAAdapter:
TOTP keys, the recovery codes' seed and the codes that allauth keeps from older versions.

Once: a value that is already a token is left alone, so that no secret is encrypted twice (and a
token that the configured key cannot open stops the migration instead of being taken for a clear
value). Reversible: going back decrypts them.
"""

from django.db import migrations

from accounts import encryption

SECRET_FIELDS = {"totp": ["secret"], "recovery_codes": ["seed"]}
SECRET_LISTS = {"recovery_codes": ["migrated_codes"]}


def convert(apps, transform, wanted):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=SECRET_FIELDS).order_by("pk"):
        data = authenticator.data
        changed = False
        for name in SECRET_FIELDS[authenticator.type]:
            value = data.get(name)
            if value and encryption.is_encrypted(value) != wanted:
                data[name] = transform(value)
                changed = True
        for name in SECRET_LISTS.get(authenticator.type, []):
            values = data.get(name)
            if values and any(encryption.is_encrypted(value) != wanted for value in values):
                data[name] = [
                    value if encryption.is_encrypted(value) == wanted else transform(value)
                    for value in values
                ]
                changed = True
        if changed:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor):
    convert(apps, encryption.encrypt, wanted=True)


def decrypt_secrets(apps, schema_editor):
    convert(apps, encryption.decrypt, wanted=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_discipline"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
