"""Programme managers and administrators manage the registry: they read every record's history,
edit any record and start renewal campaigns."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant


def grant_management(apps, schema_editor):
    ensure_permissions(apps)
    for role in (Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
        grant(apps, role, ["labels.manage_collections"])


class Migration(migrations.Migration):
    dependencies = [
        ("labels", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_management, migrations.RunPython.noop)]
