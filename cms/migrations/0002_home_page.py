"""Replace Wagtail's welcome page with the network's home page, as the default site's root."""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")
    Locale = apps.get_model("wagtailcore", "Locale")

    if HomePage.objects.exists():
        return
    # Wagtail's first migration creates a placeholder page at /home/; take its place.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    root = Page.objects.get(depth=1)
    content_type, _created = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    home = HomePage.objects.create(
        title="Guichet unique des appels",
        title_en="Single window for calls",
        draft_title="Guichet unique des appels",
        slug="home",
        content_type=content_type,
        path=next_child_path(Page, root),
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "CollEx-Persée"},
    )


def next_child_path(Page, parent):
    """The treebeard path of a new last child (steps are four base-36 digits)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = last.order_by("-path").first()
    step = int(last.path[-4:], 36) + 1 if last else 1
    digits = ""
    while step:
        step, remainder = divmod(step, 36)
        digits = alphabet[remainder] + digits
    return parent.path + digits.rjust(4, "0")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, migrations.RunPython.noop)]
