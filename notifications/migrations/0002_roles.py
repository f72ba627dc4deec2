"""Programme managers and administrators read the delivery log, resend, and edit the templates."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant

DELIVERIES = [
    "notifications.manage_deliveries",
    "notifications.add_messagetemplate",
    "notifications.change_messagetemplate",
    "notifications.delete_messagetemplate",
    "notifications.view_messagetemplate",
]


def grant_notification_permissions(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps, Role.PROGRAMME_MANAGER, DELIVERIES)
    grant(apps, Role.ADMINISTRATOR, DELIVERIES)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_notification_permissions, migrations.RunPython.noop)]
