"""Who I am: sign-up asks the person's given and family names, and the site names them by it
(the confirmation page and mail, the first team row, the receipt, the mails); an account made
before sign-up asked is asked once, after signing in, and then goes on where it was going."""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from applications.models import TeamMember
from applications.receipts import render_receipt
from applications.services import start_application, submit_application

from .factories import DEFAULT_PASSWORD, ApplicationFactory, InstitutionFactory, UserFactory
from .reading import pdf_text, text_of

pytestmark = pytest.mark.django_db

NAMES = {"first_name": "Nina", "last_name": "Nouvelle-Lebrun"}
REQUIRED = {"": "Ce champ est obligatoire.", "/en": "This field is required."}


def sign_up(client, prefix="", email="nina@example.org", **names):
    return client.post(
        f"{prefix}/accounts/signup/",
        {**names, "email": email, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )


def error_beside(page, field):
    """The message shown under the field `field`, which the field says it is described by."""
    assert f'aria-describedby="id_{field}_error' in page, f"{field} is not marked in error"
    return page.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]


def input_tag(page, name):
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def nameless(email="sans-nom@example.org", **kwargs):
    """An account from before sign-up asked for names, its address verified."""
    user = UserFactory(email=email, first_name="", last_name="", **kwargs)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(client, user, next_url=None):
    login = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(login, {"login": user.email, "password": DEFAULT_PASSWORD})


# Sign-up


@pytest.mark.parametrize(
    ("prefix", "given", "family"), [("", "Prénom", "Nom"), ("/en", "Given name", "Family name")]
)
def test_sign_up_asks_the_names_first(client, prefix, given, family):
    page = text_of(client.get(f"{prefix}/accounts/signup/"))

    fields = re.findall(r'<input[^>]*name="(\w+)"', page)
    assert [name for name in fields if name != "csrfmiddlewaretoken"][:3] == [
        "first_name",
        "last_name",
        "email",
    ]
    assert re.search(rf'<label[^>]*for="id_first_name"[^>]*>\s*{given}', page)
    assert re.search(rf'<label[^>]*for="id_last_name"[^>]*>\s*{family}', page)
    given_input, family_input = input_tag(page, "first_name"), input_tag(page, "last_name")
    assert 'autocomplete="given-name"' in given_input and "required" in given_input
    assert 'autocomplete="family-name"' in family_input and "required" in family_input


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("missing", ["first_name", "last_name"])
def test_sign_up_refuses_a_missing_name_beside_its_field(client, prefix, missing):
    names = {**NAMES, missing: "   "}

    response = sign_up(client, prefix, **names)

    assert response.status_code == 200
    assert REQUIRED[prefix] in error_beside(text_of(response), missing)
    assert not User.objects.filter(email="nina@example.org").exists()


def test_the_names_land_on_the_account_and_the_confirmation_names_the_person(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_up(client, **NAMES).status_code == 302

    user = User.objects.get(email="nina@example.org")
    assert (user.first_name, user.last_name) == ("Nina", "Nouvelle-Lebrun")
    assert str(user) == "Nina Nouvelle-Lebrun"
    [message] = mail.outbox
    assert "Nina Nouvelle-Lebrun" in message.body
    link = re.search(r"https?://\S+/confirm-email/\S+/", message.body).group(0)
    page = text_of(client.get(link))
    assert "Nina Nouvelle-Lebrun" in page
    assert "est l'adresse e-mail de l'utilisateur nina@example.org" not in page


def test_createsuperuser_names_the_account_it_makes():
    call_command(
        "createsuperuser",
        interactive=False,
        email="root@example.org",
        first_name="Rose",
        last_name="Racine",
        verbosity=0,
    )

    assert str(User.objects.get(email="root@example.org")) == "Rose Racine"


# An account without a name


def test_a_nameless_account_is_asked_once_then_goes_where_it_was_going(client):
    user = nameless()
    mine = reverse("applications:mine")

    signed_in = log_in(client, user, next_url=mine)
    assert signed_in.status_code == 302 and signed_in.url == mine
    asked = client.get(mine)
    names_page = f"{reverse('accounts:names')}?next={mine.replace('/', '%2F')}"
    assert asked.status_code == 302 and asked.url == names_page
    # Every other page asks too: there is no way round but giving the names or signing out.
    for url in ["/", reverse("calls:list"), reverse("accounts:profile")]:
        assert client.get(url).url.startswith(reverse("accounts:names")), url

    page = text_of(client.get(names_page))
    assert "nina" not in page.lower()
    assert f'name="next" value="{mine}"' in page
    refused = client.post(reverse("accounts:names"), {"first_name": "Nina", "next": mine})
    assert REQUIRED[""] in error_beside(text_of(refused), "last_name")

    saved = client.post(reverse("accounts:names"), {**NAMES, "next": mine})

    assert saved.status_code == 302 and saved.url == mine
    user.refresh_from_db()
    assert str(user) == "Nina Nouvelle-Lebrun"
    assert client.get(mine).status_code == 200
    assert client.get(reverse("accounts:names")).status_code == 302  # not asked again


@pytest.mark.parametrize("asked_in", ["fr", "en"])
def test_the_names_page_speaks_english_and_goes_on_in_english(client, asked_in):
    """`next` is the address asked for, French or English (the language link of the names page
    keeps it): it is followed in the language of the page."""
    client.force_login(nameless())
    with translation.override(asked_in):
        asked = reverse("applications:mine")
    with translation.override("en"):
        names_page, english_mine = reverse("accounts:names"), reverse("applications:mine")

    page = text_of(client.get(f"{names_page}?next={asked}"))

    assert '<html lang="en"' in page
    assert "Given name" in page and "Family name" in page
    saved = client.post(names_page, {**NAMES, "next": asked})
    assert saved.url == english_mine == "/en/applications/"


def test_giving_the_names_puts_them_in_the_lead_row_of_a_draft(client, open_call):
    """A draft started before the account had a name: its lead row shows the address."""
    user = nameless()
    client.force_login(user)
    row = start_application(user, open_call).team.get()
    assert row.name == user.email
    submitted = ApplicationFactory(lead=user, submitted=True)
    frozen = TeamMember.objects.create(
        application=submitted, name=user.email, email=user.email, role="other", is_lead=True
    )

    client.post(reverse("accounts:names"), NAMES)

    row.refresh_from_db()
    frozen.refresh_from_db()
    assert row.name == "Nina Nouvelle-Lebrun"
    assert frozen.name == user.email  # a submitted application is not changed behind staff


def test_an_autosave_from_a_nameless_session_says_why_and_changes_nothing(client, open_call):
    """A draft page opened before names were asked keeps saving by script: it gets a reason it
    can show, not the names page as if it were the draft's answer."""
    user = nameless()
    application = start_application(user, open_call)
    client.force_login(user)

    response = client.post(
        reverse("applications:edit", args=[application.pk]),
        {"version": application.version, "title": "Changé en douce"},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 403
    assert response.json()["error"].startswith("Donnez d’abord votre nom")
    application.refresh_from_db()
    assert application.title != "Changé en douce"


def test_the_names_page_never_sends_elsewhere_than_this_site(client):
    client.force_login(nameless())

    saved = client.post(reverse("accounts:names"), {**NAMES, "next": "https://ailleurs.example"})

    assert saved.url == "/"


def test_signing_out_the_language_switch_and_the_api_never_wait_for_a_name(client):
    client.force_login(nameless())

    assert client.get("/api/v1/calls/").status_code == 200
    assert client.get(reverse("opendata:projects")).status_code == 200
    assert client.get(f"/en{reverse('accounts:names')}").status_code == 200
    assert client.get(reverse("account_email")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200
    signed_out = client.post(reverse("account_logout"))
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_without_a_name_pass_their_second_factor_first(client):
    manager = nameless(
        "gestion@example.org", roles=[Role.PROGRAMME_MANAGER], without_second_factor=True
    )
    client.force_login(manager)

    staff_page = client.get(reverse("notifications:delivery_log"))
    assert staff_page.status_code == 403  # the second factor's page, not the names page
    assert reverse("mfa_activate_totp") in html.unescape(staff_page.content.decode())
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("accounts:admin_login")).status_code == 302
    assert client.get("/").url.startswith(reverse("accounts:names"))


# The name where the site names the person


def test_the_first_team_row_is_the_lead_by_name_and_institution(client, open_call):
    institution = InstitutionFactory(name="Université de Lille")
    lead = UserFactory(first_name="Nina", last_name="Nouvelle-Lebrun", institution=institution)
    client.force_login(lead)

    client.post(reverse("applications:start", args=[open_call.slug]))

    [row] = TeamMember.objects.filter(application__lead=lead)
    assert row.name == "Nina Nouvelle-Lebrun"
    assert row.email == lead.email
    assert row.institution == institution
    assert row.is_lead


def test_the_receipt_and_its_mail_name_the_lead_by_name(django_capture_on_commit_callbacks):
    lead = UserFactory(email="nina@example.org", **NAMES)
    application = ApplicationFactory(lead=lead, complete=True)

    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_application(application, lead)

    text = pdf_text(render_receipt(submission, "fr"))
    assert re.search(r"Nina\s+Nouvelle-Lebrun\s*\(nina@example\.org\)", text), text
    [message] = mail.outbox
    assert message.body.startswith("Bonjour Nina Nouvelle-Lebrun,")
