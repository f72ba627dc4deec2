"""A person's data, in a real browser, in French and in English: from their account page they
download the ZIP of their data (read back: the JSON files and the README in their language),
are refused the deletion of their account while they lead a draft, with a link to it, and once
it is withdrawn delete their account, are signed out and read the confirmation on the home page.
Every page is checked by axe and at a phone's width (conftest.Persona.see)."""

import json
import re
import zipfile

import pytest

from applications.services import withdraw_application
from tests.e2e.test_journeys import path, t
from tests.factories import ApplicationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

README = {"fr": "LISEZMOI.txt", "en": "README.txt"}
CONFIRM = (
    "I understand that my account and my personal data will be deleted, and that this cannot be "
    "undone."
)
DELETED = (
    "Your account has been deleted and your personal data removed. Thank you for your work with "
    "the network."
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_person_downloads_their_data_then_deletes_their_account(personas, language):
    user = UserFactory(
        email="camille.export@example.org",
        first_name="Camille",
        last_name="Exportée",
        language=language,
    )
    draft = ApplicationFactory(lead=user, title="Fonds photographique")
    person = personas("applicant", language)
    page = person.page
    person.log_in_as(user)

    person.goto(path(language, "accounts:profile"))
    page.get_by_role("link", name=t(language, "Download my data (ZIP)")).click()
    expect(
        page.get_by_role("heading", name=t(language, "My personal data"), level=1)
    ).to_be_visible()
    person.see("my personal data")
    with page.expect_download() as download_info:
        page.locator("#export").get_by_role(
            "link", name=t(language, "Download my data (ZIP)")
        ).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        assert README[language] in archive.namelist()
        (application,) = json.loads(archive.read("applications.json"))
        assert application["title"] == "Fonds photographique"
        assert json.loads(archive.read("account.json"))["last_name"] == "Exportée"

    page.get_by_role(
        "link", name=re.compile("^" + re.escape(t(language, "Delete my account")))
    ).click()
    page.get_by_label(re.compile(re.escape(t(language, CONFIRM)))).check()
    page.get_by_role("button", name=t(language, "Delete my account")).click()
    refusal = page.locator("#erasure-blockers")
    expect(refusal).to_contain_text(t(language, "Your account cannot be deleted now"))
    expect(refusal.get_by_role("link", name=re.compile("Fonds photographique"))).to_be_visible()
    person.see("deletion refused")

    withdraw_application(draft, user)
    person.goto(path(language, "privacy:delete_account"))
    page.get_by_role("button", name=t(language, "Delete my account")).click()
    field = page.locator("input[name=confirm]")
    expect(field).to_have_attribute("aria-invalid", "true")
    person.see("confirmation missing")
    field.check()
    page.get_by_role("button", name=t(language, "Delete my account")).click()

    expect(page.locator(".messages")).to_contain_text(t(language, DELETED))
    expect(page.locator("form[action$='/logout/']")).to_have_count(0)
    person.see("account deleted")
