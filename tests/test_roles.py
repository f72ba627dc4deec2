"""The four roles exist as groups after migrations, with the permissions their work needs."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def permissions_of(role):
    group = Group.objects.get(name=role.value)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_four_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_programme_managers_edit_and_publish_calls_in_the_admin():
    permissions = permissions_of(Role.PROGRAMME_MANAGER)
    assert {
        "wagtailadmin.access_admin",
        "calls.add_call",
        "calls.change_call",
        "calls.publish_call",
        "accounts.change_institution",
    } <= permissions
    assert "accounts.change_user" not in permissions


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.COUNCIL_MEMBER])
def test_reviewers_and_council_members_read_but_never_reach_the_admin(role):
    permissions = permissions_of(role)
    assert "calls.view_call" in permissions
    assert "wagtailadmin.access_admin" not in permissions
    assert not any(p.split(".")[1].startswith(("add_", "change_", "delete_")) for p in permissions)


def test_administrators_manage_users_and_roles():
    permissions = permissions_of(Role.ADMINISTRATOR)
    assert {
        "wagtailadmin.access_admin",
        "accounts.add_user",
        "accounts.change_user",
        "auth.change_group",
        "calls.publish_call",
    } <= permissions


def test_programme_manager_opens_the_admin_and_the_calls(client, programme_manager, open_call):
    client.force_login(programme_manager)
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/snippets/calls/call/")
    assert response.status_code == 200
    assert open_call.title_fr in response.content.decode()
    assert client.get(f"/admin/snippets/calls/call/edit/{open_call.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["reviewer", "council_member", "applicant"])
def test_people_without_the_admin_role_are_turned_away(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in ("/admin/", "/admin/snippets/calls/call/"):
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
        assert response.redirect_chain[-1][0].startswith("/accounts/login/admin/")
        assert "L’administration est réservée" in response.content.decode()


def test_administrator_opens_the_users_list(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/users/")
    assert response.status_code == 200
    assert administrator.email in response.content.decode()


def test_only_the_roles_read_the_permissions_that_make_a_role():
    """Rules and raw permissions cannot be confused: the permissions a role is made of (read by
    accounts/roles.py) appear nowhere else, neither in code nor in templates; everything else
    asks the rules (`reviews.open_ranking`, not `reviews.view_ranking`)."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    roles = (root / "accounts" / "roles.py").read_text(encoding="utf-8")
    made_of = set(re.findall(r'has_perm\("([a-z_]+\.[a-z_]+)"\)', roles))
    assert "reviews.view_ranking" in made_of and len(made_of) == 7
    found = []
    for path in [*root.glob("*/**/*.py"), *root.glob("templates/**/*.html")]:
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/", "accounts/")) or "/migrations/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        found += [
            f"{relative}: {name}"
            for name in made_of
            if f'"{name}"' in text or f"perms.{name}" in text
        ]
    assert found == []
