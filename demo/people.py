"""Demo accounts, one or two per role, who can sign in at once with the demo password."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import InvalidToken
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts.encryption import decrypt
from accounts.models import Institution, User
from accounts.roles import Role

from .facts import load_demo_file

# For the demo only: every demo account shares this password. Never load the demo in production.
DEMO_PASSWORD = "demo-collex-2026"
# A fixed salt makes the demo password's hash the same on every run, so that a second run can
# tell an unchanged password by comparing hashes instead of hashing again for each account.
# Harmless here: the password itself is public.
DEMO_SALT = "collexdemo2026"
# For the demo only: staff and council accounts must type a code from an authenticator app after
# their password; the demo's share this published key (base32, as authenticator apps take it).
DEMO_TOTP_SECRET = "COLLEXPERSEEDEMOTOTPSECRETFORALL"

DOMAIN = "example.org"


def load_people():
    """Everyone in the demo (people.yaml) by key, with the address the key makes and the Role
    of their group (None for applicants and team members)."""
    people = load_demo_file("people.yaml")["people"]
    for key, person in people.items():
        person["key"] = key
        person["email"] = f"{key}@{DOMAIN}"
        person["role"] = Role[person["role"].upper()] if person.get("role") else None
    return people


PEOPLE = load_people()
# The demo accounts load_demo prints, one or two per role.
DEMO_USERS = [person for person in PEOPLE.values() if person.get("account") == "listed"]


def email_of(key):
    return PEOPLE[key]["email"]


def quiet_accounts(keys):
    """The accounts that sign in without being printed, among the people of `keys`, each once,
    in that order: the leads and reviewers of the demo's applications who are not demo
    accounts."""
    return [PEOPLE[key] for key in dict.fromkeys(keys) if PEOPLE[key].get("account") == "quiet"]


def demo_password_hash():
    """The hash of DEMO_PASSWORD, computed once per run (hashing is deliberately slow)."""
    return make_password(DEMO_PASSWORD, salt=DEMO_SALT)


def load_demo_users(password_hash, people=DEMO_USERS):
    """Create or update the accounts of `people`, found by e-mail; `password_hash` from
    demo_password_hash()."""
    institutions = dict(Institution.objects.values_list("name", "pk"))
    groups = {group.name: group for group in Group.objects.all()}
    users = []
    for facts in people:
        user = User.objects.filter(email=facts["email"]).first() or User(email=facts["email"])
        user.first_name = facts["first_name"]
        user.last_name = facts["last_name"]
        user.language = facts.get("language", "fr")
        user.is_staff = facts.get("is_staff", False)
        user.is_superuser = facts.get("is_superuser", False)
        user.is_active = True
        user.institution_id = institutions.get(facts["institution"])
        if user.password != password_hash:
            # Kept when it already matches, so that a second run does not end demo sessions.
            user.password = password_hash
        user.full_clean()
        user.save()
        user.groups.set([groups[facts["role"].value]] if facts["role"] else [])
        verify_email(user)
        if facts.get("totp"):
            give_demo_authenticator(user)
        users.append((user, facts["role"]))
    return users


def give_demo_authenticator(user):
    """An authenticator app with DEMO_TOTP_SECRET, kept when the account already has it."""
    device = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if device is not None and demo_secret_of(user) == DEMO_TOTP_SECRET:
        return
    if device is not None:
        device.delete()
    TOTP.activate(user, DEMO_TOTP_SECRET)


def demo_secret_of(user):
    """The key of the account's authenticator app, if the demo gave it one; None otherwise."""
    if not any(facts.get("totp") and facts["email"] == user.email for facts in DEMO_USERS):
        return None
    device = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if device is None:
        return None
    try:
        secret = decrypt(device.data["secret"])
    except InvalidToken:  # encrypted with another key (SECRET_KEY changed): not the demo's
        return None
    return secret if secret == DEMO_TOTP_SECRET else None


def verify_email(user):
    """Mark the address verified and primary in allauth, so the account can sign in at once."""
    EmailAddress.objects.update_or_create(
        user=user,
        email=user.email,
        defaults={"verified": True, "primary": True},
    )
