"""The platform's roles, kept as Django groups. Each app's migrations grant its own permissions.

The predicates below say who holds a role, from the model permissions the groups are granted.
They are the only code that reads those raw permissions: every app's rules.py combines them with
what the moment allows, and views, services and templates ask the rules (`applications.edit_draft`,
`reviews.open_ranking`...), never a raw permission, so the two cannot be confused.
"""

import rules
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Group names (stored in English) and their labels in the interface."""

    PROGRAMME_MANAGER = "Programme managers", _("Programme managers")
    REVIEWER = "Reviewers", _("Reviewers")
    COUNCIL_MEMBER = "Council members", _("Council members")
    ADMINISTRATOR = "Administrators", _("Administrators")


def ensure_permissions(apps):
    """Create the permission rows of every installed app now (Django does it only after migrate)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, role, permissions):
    """Give a role the permissions named "app_label.codename", creating the group if needed."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=str(role.value))
    for name in permissions:
        app_label, codename = name.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return group


# Who holds which role (django-rules predicates)


@rules.predicate
def is_programme_staff(user):
    return user.has_perm("calls.change_call")


@rules.predicate
def manages_collections(user):
    """Keeps the registry of labelled collections: every record, its history, renewals."""
    return user.has_perm("labels.manage_collections")


@rules.predicate
def runs_the_platform(user):
    """Django staff, superusers and programme staff: the accounts that run the platform."""
    return bool(user.is_staff or user.is_superuser or is_programme_staff(user))


def running_the_platform():
    """runs_the_platform as a filter on users, for a sweep over every account at once (the
    permission is_programme_staff asks, held through a group or directly)."""
    change_call = {"content_type__app_label": "calls", "codename": "change_call"}
    return (
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(**{f"groups__permissions__{key}": value for key, value in change_call.items()})
        | Q(**{f"user_permissions__{key}": value for key, value in change_call.items()})
    )


@rules.predicate
def is_council_member(user):
    return user.has_perm("reviews.view_ranking")


@rules.predicate
def is_reviewer(user):
    return user.has_perm("reviews.review_applications")


@rules.predicate
def records_decisions(user):
    return user.has_perm("decisions.record_decisions")


@rules.predicate
def reads_decisions(user):
    return user.has_perm("decisions.read_decisions")


@rules.predicate
def manages_deliveries(user):
    return user.has_perm("notifications.manage_deliveries")
