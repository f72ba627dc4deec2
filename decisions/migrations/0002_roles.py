"""Grant the roles their permissions on decisions."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant


def grant_decision_permissions(apps, schema_editor):
    ensure_permissions(apps)
    for role in (Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
        grant(apps, role, ["decisions.record_decisions", "decisions.read_decisions"])
    grant(apps, Role.COUNCIL_MEMBER, ["decisions.read_decisions"])


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_decision_permissions, migrations.RunPython.noop)]
