"""The privacy notice: the page staff write, with the register's processing and the periods in
force below it; the link to it in every footer and on the sign-up form; the register as Markdown
in docs/personal-data.md, kept equal to the command's output."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import HomePage, StandardPage
from privacy.models import PrivacyNoticePage

pytestmark = pytest.mark.django_db

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "personal-data.md"
NOTICE = "/donnees-personnelles/"


def add_notice(live=True, **fields):
    page = PrivacyNoticePage(
        title="Données personnelles",
        title_en="Privacy notice",
        slug="donnees-personnelles",
        live=live,
        intro_fr=[
            ("heading", {"text": "Vos droits", "level": "h2"}),
            ("paragraph", "<p>Écrivez au délégué : dpo@collex.localhost.</p>"),
        ],
        **fields,
    )
    HomePage.objects.get().add_child(instance=page)
    return page


@pytest.fixture
def notice():
    return add_notice(
        intro_en=[("paragraph", "<p>Write to the data protection officer.</p>")],
    )


def text_of(client, address):
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_the_notice_in_french_lists_every_processing_with_its_period_in_words(client, notice):
    content = text_of(client, NOTICE)

    assert '<html lang="fr">' in content
    assert "<h1>Données personnelles</h1>" in content
    assert "Écrivez au délégué : dpo@collex.localhost." in content
    for name in (
        "Comptes utilisateurs",
        "Candidatures",
        "Évaluation par les pairs",
        "Messages et courriels",
        "Journaux des serveurs",
    ):
        assert name in content
    assert "5 ans après la décision, la décision d’inéligibilité, le retrait" in content
    assert "10 ans après la clôture ou la résiliation du projet financé" in content
    assert "3 ans après la dernière connexion" in content
    assert "365 jours après l’écriture du message" in content
    assert "Mission d’intérêt public du réseau" in content


def test_the_notice_in_english_speaks_english_and_marks_french_only_text(client):
    add_notice()  # no English introduction

    content = text_of(client, "/en/donnees-personnelles/")

    assert '<html lang="en">' in content
    assert "<h1>Privacy notice</h1>" in content
    assert '<div lang="fr"><h2>Vos droits</h2>' in content
    assert "User accounts" in content
    assert "5 years after the decision, the ineligibility ruling, the withdrawal" in content
    assert "365 days after the message was written" in content
    assert "ans après" not in content


def test_the_english_introduction_replaces_the_french_one(client, notice):
    content = text_of(client, "/en/donnees-personnelles/")

    assert "Write to the data protection officer." in content
    assert "Vos droits" not in content
    assert '<div lang="fr">' not in content


def test_the_periods_follow_the_settings(client, notice):
    periods = {**settings.PERSONAL_DATA_RETENTION, "NOT_FUNDED_YEARS": 1, "DELIVERY_LOG_DAYS": 30}

    with override_settings(PERSONAL_DATA_RETENTION=periods):
        english = text_of(client, "/en/donnees-personnelles/")
        french = text_of(client, NOTICE)

    assert "1 year after the decision, the ineligibility ruling" in english
    assert "5 years after the decision" not in english
    assert "30 days after the message was written" in english
    assert "1 an après la décision" in french
    assert "30 jours après l’écriture du message" in french


def footer(content):
    return content.split('<footer class="site-footer', 1)[1]


@pytest.mark.usefixtures("notice")
def test_every_footer_links_to_the_notice_once(client, programme_manager):
    public = text_of(client, reverse("calls:list"))
    signup = text_of(client, reverse("account_signup"))
    client.force_login(programme_manager)
    staff = text_of(client, reverse("reviews:management"))
    english = text_of(client, "/en/")

    for content in (public, signup, staff):
        assert footer(content).count(f'href="{NOTICE}"') == 1
        assert f'<a href="{NOTICE}">Données personnelles</a>' in footer(content)
    assert '<a href="/en/donnees-personnelles/">Privacy</a>' in footer(english)


@pytest.mark.usefixtures("notice")
def test_the_notice_comes_last_in_the_footer_after_the_other_pages(client):
    HomePage.objects.get().add_child(
        instance=StandardPage(title="Mentions légales", slug="mentions-legales")
    )

    links = footer(text_of(client, reverse("calls:list")))

    assert links.index("Mentions légales") < links.index("Données personnelles")
    assert links.count(f'href="{NOTICE}"') == 1


@pytest.mark.usefixtures("notice")
def test_the_sign_up_form_links_to_the_notice_in_the_same_tab(client):
    content = text_of(client, reverse("account_signup"))
    english = text_of(client, "/en" + reverse("account_signup"))

    form = content.split('action="/accounts/signup/"', 1)[1].split("</form>")[0]
    assert f'voir la page <a href="{NOTICE}">Données personnelles</a>' in form
    assert "target=" not in form
    assert '<a href="/en/donnees-personnelles/">privacy notice</a>' in english


def test_no_link_without_a_live_notice(client):
    add_notice(live=False)

    for address in (reverse("calls:list"), reverse("account_signup"), "/en/"):
        content = text_of(client, address)
        assert "donnees-personnelles" not in content
        assert "Données personnelles" not in content


def queries_of_a_visit(client, address):
    text_of(client, address)  # the first visit creates the site settings and caches the paths
    with CaptureQueriesContext(connection) as queries:
        content = text_of(client, address)
    return len(queries), content


def test_finding_the_notice_for_the_footer_costs_no_query_of_its_own(client):
    """The footer's pages are fetched with their specific rows: one query per kind of page.
    The notice costs that query and nothing more, as any other page under the home page does."""
    standard = StandardPage(title="Mentions légales", slug="mentions-legales")
    HomePage.objects.get().add_child(instance=standard)
    with_a_standard_page, _content = queries_of_a_visit(client, reverse("calls:list"))
    standard.delete()
    add_notice()

    with_the_notice, content = queries_of_a_visit(client, reverse("calls:list"))

    assert with_the_notice == with_a_standard_page
    assert f'href="{NOTICE}"' in footer(content)


def admin_form(title="Données personnelles", slug="donnees-personnelles"):
    return nested_form_data(
        {
            "title": title,
            "title_en": "Privacy notice",
            "slug": slug,
            "intro_fr": streamfield(
                [("heading", {"text": "Qui est responsable de vos données", "level": "h2"})]
            ),
            "intro_en": streamfield([]),
            "action-publish": "publish",
        }
    )


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("privacy", "privacynoticepage", parent.pk))


def test_the_administrator_creates_the_notice_under_the_home_page_once(client, administrator):
    home = HomePage.objects.get()
    client.force_login(administrator)

    choices = text_of(client, reverse("wagtailadmin_pages:add_subpage", args=(home.pk,)))
    assert add_url(home) in choices

    response = client.post(add_url(home), admin_form())

    assert response.status_code == 302
    page = PrivacyNoticePage.objects.get()
    assert page.live and page.get_parent().pk == home.pk
    assert page.intro_fr[0].value["text"] == "Qui est responsable de vos données"

    # Only the standard page is left to choose: Wagtail goes straight to its form.
    choices = client.get(reverse("wagtailadmin_pages:add_subpage", args=(home.pk,)))
    assert "privacynoticepage" not in choices["Location"]
    second = client.post(add_url(home), admin_form("Encore", "encore"))
    assert second["Location"] == "/admin/"  # Wagtail's answer to a refused permission
    assert PrivacyNoticePage.objects.count() == 1


def test_the_notice_lives_only_under_the_home_page():
    about = StandardPage(title="À propos", slug="a-propos")
    HomePage.objects.get().add_child(instance=about)

    assert PrivacyNoticePage.can_create_at(HomePage.objects.get())
    assert not PrivacyNoticePage.can_create_at(about)


def register_command(*options):
    out = StringIO()
    call_command("personal_data_register", *options, stdout=out)
    return out.getvalue()


def test_docs_personal_data_is_the_register_commands_output():
    expected = register_command()

    assert DOCUMENT.read_text(encoding="utf-8") == expected, (
        "docs/personal-data.md differs from the register (privacy/register.py): run "
        "`python manage.py personal_data_register --output docs/personal-data.md`"
    )


def test_the_register_document_gives_each_period_its_setting_and_default():
    english = register_command()
    french = register_command("--language", "fr")

    assert (
        "| Applications not funded | `NOT_FUNDED_YEARS` | `RETENTION_NOT_FUNDED_YEARS` | 5 years |"
        in english
    )
    assert "- **Removes:** Names, e-mail addresses, ORCID iDs" in english
    assert "- **Keeps:** The reference, the call, the institution" in english
    assert "`applications.Submission`" in english
    assert "| Candidatures non financées | `NOT_FUNDED_YEARS` |" in french
    assert "5 ans après la décision" in french


def test_the_register_document_shows_the_defaults_whatever_the_environment():
    periods = {**settings.PERSONAL_DATA_RETENTION, "NOT_FUNDED_YEARS": 1}

    with override_settings(PERSONAL_DATA_RETENTION=periods):
        english = register_command()

    assert english == DOCUMENT.read_text(encoding="utf-8")


def test_the_command_writes_the_document_to_a_file(tmp_path):
    output = tmp_path / "register.md"

    register_command("--language", "fr", "--output", str(output))

    assert output.read_text(encoding="utf-8").startswith("# Données personnelles")
