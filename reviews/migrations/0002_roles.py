"""Grant the roles their permissions on peer review."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant


def grant_review_permissions(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps, Role.REVIEWER, ["reviews.review_applications"])
    grant(apps, Role.COUNCIL_MEMBER, ["reviews.view_ranking"])
    grant(apps, Role.PROGRAMME_MANAGER, ["reviews.view_ranking"])
    grant(apps, Role.ADMINISTRATOR, ["reviews.view_ranking"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_review_permissions, migrations.RunPython.noop)]
