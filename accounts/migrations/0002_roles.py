"""Create the four roles as groups, with the permissions of accounts and of the CMS."""

from django.db import migrations

from accounts.roles import Role, ensure_permissions, grant

DIRECTORY = [
    "accounts.add_institution",
    "accounts.change_institution",
    "accounts.view_institution",
]
CMS_EDITING = ["add", "change", "publish"]


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps, Role.PROGRAMME_MANAGER, ["wagtailadmin.access_admin", *DIRECTORY])
    grant(apps, Role.REVIEWER, ["accounts.view_institution"])
    grant(apps, Role.COUNCIL_MEMBER, ["accounts.view_institution"])
    grant(
        apps,
        Role.ADMINISTRATOR,
        [
            "wagtailadmin.access_admin",
            *DIRECTORY,
            "accounts.delete_institution",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_user",
            "auth.view_group",
            "auth.change_group",
        ],
    )
    # Managers and administrators edit the site's pages, documents and images.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for role in (Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
        group = Group.objects.get(name=role.value)
        if root_page:
            for action in CMS_EDITING:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=f"{action}_page"
                    ),
                )
        if root_collection:
            for app_label, model in (("wagtaildocs", "document"), ("wagtailimages", "image")):
                for action in ("add", "change", "choose"):
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=Permission.objects.get(
                            content_type__app_label=app_label, codename=f"{action}_{model}"
                        ),
                    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[role.value for role in Role]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
