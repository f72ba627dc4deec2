"""Who must pass a second factor, and whether this session did.

Staff and the council read confidential dossiers, reviewers' names, decisions and letters: their
accounts must have a second factor (an authenticator app or a security key), and their session
must have passed it, before any such page answers (accounts.middleware). Reviewers and applicants
may add one; nobody asks them to.

It is the session that must have passed it, not only the account that has one: a password alone,
typed by whoever stole it, must not open a staff page. allauth asks for the second factor at
sign-in once the account has one; this module writes a flag into the session when allauth
records a second-factor authentication (at sign-in or when re-authenticating) or when the person
adds an authenticator app or a security key (a code from it is typed to add it), and removes the
flag when the last one is removed. The middleware reads the session, and the roles from the
cache: no query per request.
"""

from allauth.account.signals import authentication_step_completed
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import m2m_changed

from .roles import Role

# Programme managers, the council and administrators; reviewers are not staff.
PRIVILEGED_ROLES = (Role.PROGRAMME_MANAGER, Role.COUNCIL_MEMBER, Role.ADMINISTRATOR)
# The permissions that open staff and council pages (the rules of applications, reviews,
# decisions, notifications, and Wagtail's admin): whoever holds one must pass a second factor.
PRIVILEGED_PERMISSIONS = (
    "calls.change_call",
    "decisions.record_decisions",
    "decisions.read_decisions",
    "reviews.view_ranking",
    "notifications.manage_deliveries",
    "wagtailadmin.access_admin",
)
# What counts as a second factor. Recovery codes are the way back in when the device is lost,
# and come with the first device: they are not a device of their own.
DEVICES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
SESSION_KEY = "accounts_second_factor"
ROLES_CACHE_TIMEOUT = 60


def needs_second_factor(user):
    """Whether `user` holds a staff or council role, can open the Wagtail admin, or is_staff or
    is_superuser.

    The roles are read from the cache (ROLES_CACHE_TIMEOUT), so that the pages of reviewers and
    applicants cost no query for it; changing someone's groups forgets theirs at once
    (on_groups_changed), the timeout covers changes made without Django's signals."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if not hasattr(user, "_needs_second_factor"):
        key = roles_cache_key(user.pk)
        held = forgiving(cache.get, key)
        if held is None:
            held = holds_privilege(user)
            forgiving(cache.set, key, held, ROLES_CACHE_TIMEOUT)
        user._needs_second_factor = held
    return user._needs_second_factor


def holds_privilege(user):
    """A staff or council role, or any group or permission of PRIVILEGED_PERMISSIONS however it
    was given (a group made in the admin to read decisions, or to edit the templates): one
    query."""
    granted = Q()
    for name in PRIVILEGED_PERMISSIONS:
        app_label, codename = name.split(".")
        for through in ("groups__permissions", "user_permissions"):
            granted |= Q(
                **{
                    f"{through}__content_type__app_label": app_label,
                    f"{through}__codename": codename,
                }
            )
    roles = Q(groups__name__in=[role.value for role in PRIVILEGED_ROLES])
    return get_user_model().objects.filter(pk=user.pk).filter(roles | granted).exists()


def roles_cache_key(user_id):
    return f"accounts:privileged:{user_id}"


def forgiving(call, *args):
    """A cache that cannot be reached (Redis restarting) is one that knows nothing: the
    database answers instead."""
    try:
        return call(*args)
    except Exception:  # whichever error the cache's client raises
        return None


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """user.groups.add(...) or group.user_set.remove(...): forget what the cache says of them."""
    if not reverse:
        user_ids = [instance.pk]
    elif action == "pre_clear":
        user_ids = list(instance.user_set.values_list("pk", flat=True))
    else:
        user_ids = pk_set or []
    if action in ("post_add", "post_remove", "post_clear", "pre_clear") and user_ids:
        forgiving(cache.delete_many, [roles_cache_key(pk) for pk in user_ids])


def has_device(user):
    """Whether the account has an authenticator app or a security key (one query)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=DEVICES).exists()


def session_passed(request):
    """Whether this session passed a second factor, for the person signed in now."""
    return request.session.get(SESSION_KEY) == str(request.user.pk)


def mark_passed(request, user):
    request.session[SESSION_KEY] = str(user.pk)


def on_authentication_step(sender, request, method, user, **kwargs):
    if method == "mfa":
        mark_passed(request, user)


def on_device_added(sender, request, user, authenticator, **kwargs):
    """allauth announces a new device once its transaction commits, which may come after the
    session was written (in a test's transaction, say): write it now."""
    if authenticator.type in DEVICES:
        mark_passed(request, user)
        request.session.save()


def on_device_removed(sender, request, user, authenticator, **kwargs):
    if not has_device(user):
        request.session.pop(SESSION_KEY, None)


def connect():
    authentication_step_completed.connect(on_authentication_step, dispatch_uid="second_factor")
    authenticator_added.connect(on_device_added, dispatch_uid="second_factor")
    authenticator_removed.connect(on_device_removed, dispatch_uid="second_factor")
    groups = get_user_model().groups.through
    m2m_changed.connect(on_groups_changed, sender=groups, dispatch_uid="second_factor")
