"""Programme managers and administrators edit the agreement templates in the admin (Wagtail
snippets use the model permissions)."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant

EDITORS = [f"projects.{action}_agreementtemplate" for action in ("add", "change", "delete", "view")]


def grant_editing(apps, schema_editor):
    ensure_permissions(apps)
    for role in (Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
        grant(apps, role, EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_agreements_amendments"),
    ]

    operations = [migrations.RunPython(grant_editing, migrations.RunPython.noop)]
