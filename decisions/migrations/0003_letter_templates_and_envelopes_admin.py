"""Programme managers and administrators edit letter templates and budget envelopes in the
admin (Wagtail snippets use the model permissions)."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant

EDITORS = [
    f"decisions.{action}_{model}"
    for model in ("lettertemplate", "envelope")
    for action in ("add", "change", "delete", "view")
]


def grant_editing(apps, schema_editor):
    ensure_permissions(apps)
    for role in (Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
        grant(apps, role, EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_editing, migrations.RunPython.noop)]
