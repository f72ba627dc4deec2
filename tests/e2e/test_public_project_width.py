"""The public page of a funded project fits the narrowest phone (320 px, RGAA 10.11, WCAG
1.4.10): a Software Heritage identifier with its qualifiers and a long web address, single
words of 150 characters, wrap instead of pushing the page sideways. Checked by axe too."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.e2e.conftest import page_width
from tests.published_projects import deliverable, followed, funded_application

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

NARROWEST = 320
SWHID = (
    "swh:1:dir:d198bc9d7a6bcf6db04f476d29314f157507d505"
    ";origin=https://github.com/example-laboratory/transcription-of-herbarium-sheets"
)
LONG_ADDRESS = "https://example.org/" + "collections-numerisees-" * 5 + "planches"


@pytest.fixture
def project_page():
    application = funded_application(title="Herbiers de Lamarck")
    project = followed(application, state="running")
    deliverable(
        project,
        kind="software",
        title="Chaîne de traitement",
        identifier_scheme="swhid",
        identifier=SWHID,
        licence="GPL-3.0-or-later",
    )
    deliverable(
        project,
        kind="dataset",
        title="Planches",
        identifier_scheme="url",
        identifier="",
        url=LONG_ADDRESS,
        description=LONG_ADDRESS,
    )
    return application


@pytest.mark.parametrize("language", ["fr", "en"])
def test_long_identifiers_wrap_on_the_narrowest_phone(personas, axe_report, language, project_page):
    visitor = personas("visitor", language)
    with translation.override(language):
        visitor.goto(reverse("opendata:project", args=[project_page.reference]))
    page = visitor.page
    expect(page.locator(".funded-project-deliverables")).to_contain_text(SWHID)
    assert page_width(page, NARROWEST) <= NARROWEST
    visitor.see("funded project with long identifiers")
    axe_report.assert_clean()
