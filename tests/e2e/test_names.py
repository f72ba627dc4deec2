"""Who I am, in a real browser, in French and in English: sign-up asks the names and refuses a
blank one beside its field; an account without a name is asked once after signing in, then goes
on to the page it asked for; the receipt names the lead by name. Every page is checked by axe and
at a phone's width (conftest.Persona.see)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from applications.services import submit_application
from tests.e2e.test_journeys import PASSWORD, pdf_text, submit_button, t
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

LABELS = {"fr": ("Prénom", "Nom"), "en": ("Given name", "Family name")}


def path(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_sign_up_asks_the_names_and_refuses_a_blank_one_beside_it(personas, language):
    person = personas("newcomer", language)
    page = person.page
    person.goto(path(language, "account_signup"))
    given, family = LABELS[language]
    given_field = page.get_by_role("textbox", name=re.compile(f"^{given}"))
    family_field = page.get_by_role("textbox", name=re.compile(f"^{family}"))
    expect(given_field).to_have_attribute("autocomplete", "given-name")
    expect(family_field).to_have_attribute("autocomplete", "family-name")
    person.see("sign up with names")

    given_field.fill("Camille")
    family_field.fill("   ")  # not empty for the browser, blank for the site
    page.locator("input[name=email]").fill("camille@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    submit_button(page).click()

    family_field = page.locator("input[name=last_name]")
    expect(family_field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + family_field.get_attribute("aria-describedby").split()[0])
    expect(error).to_have_text(t(language, "This field is required."))
    expect(page.locator("input[name=first_name]")).to_have_value("Camille")
    person.see("a blank family name refused")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_account_without_a_name_is_asked_once_then_goes_on(personas, language):
    user = UserFactory(email="sans-nom@example.org", first_name="", last_name="", language=language)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    person = personas("nameless", language)
    page = person.page
    mine = path(language, "applications:mine")

    person.goto(f"{path(language, 'account_login')}?next={mine}")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    submit_button(page).click()

    expect(page).to_have_url(re.compile(re.escape(path(language, "accounts:names"))))
    expect(page.locator("h1")).to_have_text(t(language, "Your name"))
    person.see("asked for the names")
    page.locator("input[name=first_name]").fill("Sacha")
    page.locator("input[name=last_name]").fill("Nommé")
    page.get_by_role("button", name=t(language, "Save and continue")).click()

    expect(page).to_have_url(re.compile(f"^{re.escape(person.url(mine))}$"))
    expect(page.locator(".messages")).to_contain_text("Sacha Nommé")
    person.see("gone on to my applications")
    person.goto(path(language, "calls:list"))  # not asked again
    expect(page).to_have_url(re.compile(f"^{re.escape(person.url(path(language, 'calls:list')))}$"))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_receipt_names_the_lead_by_name(personas, language):
    lead = UserFactory(
        email="lea.lenoir@example.org", first_name="Léa", last_name="Lenoir", language=language
    )
    application = ApplicationFactory(lead=lead, complete=True)
    submit_application(application, lead)
    person = personas("lead", language)
    person.log_in_as(lead)

    person.goto(path(language, "applications:edit", application.pk))
    person.see("submitted application")
    with person.page.expect_download() as download:
        person.page.locator("#submissions a[href$='.pdf']").first.click()

    text = pdf_text(download.value)
    assert re.search(r"Léa\s+Lenoir\s+\(lea\.lenoir@example\.org\)", text), text
