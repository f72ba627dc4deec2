"""The platform's roles, kept as Django groups. Each app's migrations grant its own permissions."""

from django.db import models
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
