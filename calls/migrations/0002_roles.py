"""Grant the roles their permissions on calls and programmes."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant

EDIT_CALLS = [
    "calls.add_call",
    "calls.change_call",
    "calls.delete_call",
    "calls.publish_call",
    "calls.view_call",
    "calls.add_programme",
    "calls.change_programme",
    "calls.view_programme",
]
READ_CALLS = ["calls.view_call", "calls.view_programme"]


def grant_call_permissions(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps, Role.PROGRAMME_MANAGER, EDIT_CALLS)
    grant(apps, Role.ADMINISTRATOR, [*EDIT_CALLS, "calls.delete_programme"])
    grant(apps, Role.REVIEWER, READ_CALLS)
    grant(apps, Role.COUNCIL_MEMBER, READ_CALLS)


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_call_permissions, migrations.RunPython.noop)]
