"""The registry of labelled collections (issue 19) in a real browser, in French and in English,
by keyboard where a visitor reads it: a visitor filters the directory by a kind of material and
a region, reaches the collection's marker on the map and opens its page (an overseas marker is
reached the same way); another skips the map and opens a collection from the list, its
accessible equivalent. A holder signs in, opens the collection from "My collections", has a
Calames link on another host refused beside its field, corrects it and finds the change in the
record's history.

Every page is screenshot (1280 px wide, and 375 px for the main ones) and checked by axe-core
(WCAG 2.1 A and AA) and at phones' widths (375 and 320 px); the directory, the collection's page
and the holder's page by the Nu HTML checker too.
"""

import datetime as dt
import re

import pytest
from django.utils import formats, translation

from labels.models import Collection
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_project_reports import expected_refusals, t, url
from tests.e2e.test_project_schedule import html_problems
from tests.factories import InstitutionFactory, UserFactory, labelled_collection

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
# The most key presses a step may take: past it, the element is not reachable by keyboard.
MOST_TABS = 120
MOST_ARROWS = 30
CALAMES = "https://calames.abes.fr/pub/#details?id=FileId-2207"


LABELLED_ON = dt.date(2025, 3, 14)


def collection(institution, **record):
    return labelled_collection(
        institution=InstitutionFactory(name=institution), decided_on=LABELLED_ON, **record
    )


@pytest.fixture
def registry(db):
    """Four labelled collections: two of manuscripts (Paris, Lyon), maps in Rennes, and the
    printed books of La Réunion, on the map's inset."""
    return {
        "sorbonne": collection(
            "Bibliothèque interuniversitaire de la Sorbonne",
            name_fr="Manuscrits des savants de la Sorbonne",
            name_en="Manuscripts of the Sorbonne's scholars",
            materials=["manuscripts"],
        ),
        "lyon": collection(
            "Bibliothèque municipale de Lyon",
            name_fr="Manuscrits enluminés de Lyon",
            name_en="Illuminated manuscripts of Lyon",
            materials=["manuscripts", "images"],
            city="Lyon",
            postcode="69003",
            region="84",
            latitude="45.759700",
            longitude="4.842200",
        ),
        "rennes": collection(
            "Université Rennes 2",
            name_fr="Cartes anciennes de Bretagne",
            name_en="Early maps of Brittany",
            materials=["maps"],
            city="Rennes",
            postcode="35000",
            region="53",
            latitude="48.117300",
            longitude="-1.677800",
        ),
        "reunion": collection(
            "Université de La Réunion",
            name_fr="Fonds de l'océan Indien",
            name_en="Indian Ocean collection",
            materials=["printed", "archives"],
            city="Saint-Denis",
            postcode="97400",
            region="04",
            latitude="-20.901900",
            longitude="55.484800",
            links={},
        ),
    }


def name_in(language, collection):
    return collection.name_en if language == "en" else collection.name_fr


def date_in(language, value):
    with translation.override(language):
        return formats.date_format(value)


def focused(page, script):
    """Whether the focused element passes `script` (a function of the element)."""
    return page.evaluate(f"({script})(document.activeElement)")


def tab_to(page, script, what):
    """Press Tab until the focused element passes `script`; fails if it never does."""
    for _press in range(MOST_TABS):
        page.keyboard.press("Tab")
        if focused(page, script):
            return
    pytest.fail(f"{what} is not reached with the Tab key")


def choose(page, name, value):
    """Tab to the select `name` and move through its options with the arrow keys to `value`."""
    tab_to(page, f"e => e.name === {name!r}", f"the {name} filter")
    for _press in range(MOST_ARROWS):
        if focused(page, "e => e.value") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{value} is not an option of the {name} filter")


def marker(collection):
    """A script telling whether an element is the map's link to `collection`'s page."""
    return f"e => !!e.closest('svg') && e.getAttribute('href') === {collection_path(collection)!r}"


def collection_path(collection, language=None):
    return url(language or translation.get_language(), "labels:collection", collection.pk)


class Journey:
    """A persona's pages: each seen (screenshot at 1280 px, axe, 375 px) and checked at 320 px;
    `checked=True` keeps its HTML for the Nu checker, `phone=True` adds a 375 px screenshot."""

    def __init__(self, persona, axe_report, pages):
        self.persona = persona
        self.axe_report = axe_report
        self.pages = pages
        self.page = persona.page
        self.page.set_viewport_size(DESKTOP)

    def see(self, step, checked=False, phone=False):
        persona = self.persona
        persona.see(step)
        label = f"[{persona.language}] {persona.name}: {step}"
        self.axe_report.check_width(self.page, label, width=320)
        if checked:
            self.pages.append((f"{persona.name}: {step}", self.page.content()))
        if phone:
            slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
            self.page.set_viewport_size(PHONE)
            try:
                self.page.screenshot(
                    path=SCREENSHOTS / f"{persona.language}-{persona.name}-{slug}-375.png",
                    full_page=True,
                )
            finally:
                self.page.set_viewport_size(DESKTOP)


def assert_valid_html(pages, folder):
    problems = html_problems(pages, folder)
    assert not problems, "the Nu HTML checker finds:\n" + "\n".join(problems)


def expect_collection_page(page, language, collection):
    expect(page.locator("h1")).to_have_text(name_in(language, collection))
    expect(page.locator(".labels-collection-facts")).to_contain_text(collection.institution.name)
    dates = page.locator(".labels-label-dates")
    expect(dates).to_contain_text(date_in(language, collection.labelled_since))
    expect(dates).to_contain_text(date_in(language, collection.expires_on))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_visitor_finds_a_collection_by_the_map_with_the_keyboard(
    personas, axe_report, registry, language, tmp_path
):
    pages = []
    visitor = Journey(personas("map-visitor", language), axe_report, pages)
    page = visitor.page
    visitor.persona.goto(url(language, "labels:directory"))
    expect(page.locator("svg.labels-map a.map-marker")).to_have_count(4)
    visitor.see("directory", checked=True, phone=True)

    # Manuscripts in Île-de-France: chosen with the arrow keys, sent with Enter.
    choose(page, "material", "manuscripts")
    choose(page, "region", "11")
    tab_to(page, "e => e.type === 'submit'", "the Filter button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"material=manuscripts.*region=11"))
    expect(page.locator(".labels-result")).to_have_count(1)
    expect(page.locator("svg.labels-map a.map-marker")).to_have_count(1)
    visitor.see("filtered", checked=True)

    # The collection's marker, focused with Tab, opened with Enter.
    sorbonne = registry["sorbonne"]
    with translation.override(language):
        tab_to(page, marker(sorbonne), "the Sorbonne's marker")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(collection_path(sorbonne, language)) + "$"))
    expect_collection_page(page, language, sorbonne)
    visitor.see("collection page", checked=True, phone=True)

    # La Réunion's marker, in its inset, is reached the same way.
    reunion = registry["reunion"]
    visitor.persona.goto(url(language, "labels:directory"))
    expect(page.locator("#map-frame-04 a.map-marker")).to_have_count(1)
    with translation.override(language):
        tab_to(page, marker(reunion), "La Réunion's marker")
    assert focused(page, "e => !!e.closest('#map-frame-04')")
    page.keyboard.press("Enter")
    expect_collection_page(page, language, reunion)
    visitor.see("overseas collection page")

    axe_report.assert_clean()
    assert_valid_html(pages, tmp_path)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_visitor_skips_the_map_and_opens_a_collection_from_the_list(
    personas, axe_report, registry, language, tmp_path
):
    pages = []
    visitor = Journey(personas("list-visitor", language), axe_report, pages)
    page = visitor.page
    visitor.persona.goto(url(language, "labels:directory"))
    tab_to(page, "e => e.classList.contains('labels-skip-map')", "the link that skips the map")
    visitor.see("skip the map link")
    page.keyboard.press("Enter")
    results = page.locator("#collections-list")
    expect(results).to_be_focused()

    # The next Tab is in the list, past every marker; the list names each collection once.
    rennes = registry["rennes"]
    page.keyboard.press("Tab")
    assert focused(page, "e => !!e.closest('#collections-list')")
    expect(results.locator(".labels-result")).to_have_count(4)
    expect(results.get_by_role("link", name=name_in(language, rennes))).to_have_count(1)
    visitor.see("list of results", checked=True)
    with translation.override(language):
        path = collection_path(rennes)
    tab_to(page, f"e => e.getAttribute('href') === {path!r}", "the link to Rennes' maps")
    page.keyboard.press("Enter")
    expect_collection_page(page, language, rennes)
    visitor.see("collection page from the list", checked=True)

    axe_report.assert_clean()
    assert_valid_html(pages, tmp_path)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_holder_updates_the_record_and_sees_the_change_in_its_history(
    personas, axe_report, language, tmp_path
):
    holder = UserFactory(email="detentrice@example.org", first_name="Hélène", last_name="Fonds")
    kept = labelled_collection(
        lead=holder, institution=InstitutionFactory(name="Université de Caen")
    )
    name = name_in(language, kept)
    pages = []
    journey = Journey(personas("holder", language), axe_report, pages)
    page = journey.page
    journey.persona.sign_in(holder)

    journey.persona.goto(url(language, "applications:mine"))
    mine = page.locator("table.my-collections")
    expect(mine.get_by_role("link", name=name)).to_be_visible()
    journey.see("my collections")
    mine.get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_have_text(name)
    journey.see("holder's page", checked=True, phone=True)

    # A Calames link on another host: refused beside its field, which has the focus.
    form = page.locator("form.record-form")
    field = form.locator("[name=link_calames]")
    field.fill("https://calames.example.org/pub/FileId-2207")
    form.get_by_role("button", name=t(language, "Save the record")).click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    refusal = t(language, "This address is not on %(host)s, such as %(example)s.") % {
        "host": "calames.abes.fr",
        "example": "https://calames.abes.fr/pub/#details?id=FileId-1234",
    }
    expect(page.locator("#div_id_link_calames .invalid-feedback")).to_contain_text(refusal)
    expect(page.locator(".error-summary")).to_contain_text(refusal)
    expected_refusals(journey.persona)
    journey.see("calames link refused", checked=True)

    # Corrected and saved: the record and its history show it.
    field.fill(CALAMES)
    form.get_by_role("button", name=t(language, "Save the record")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        t(language, "The record is saved: a new version is kept.")
    )
    expect(page.locator(".collection-record")).to_contain_text(CALAMES)
    latest = page.locator(".record-version").first
    expect(latest).to_contain_text(t(language, "Version %(number)s").split("%")[0].strip())
    expect(latest).to_contain_text("Hélène Fonds")
    change = latest.locator("table.record-changes tbody tr")
    expect(change).to_have_count(1)
    calames = t(language, "%(kind)s:") % {"kind": "Calames"}
    expect(change.locator("td").nth(0)).to_contain_text(f"{calames} https://calames.abes.fr/")
    expect(change.locator("td").nth(0)).not_to_contain_text(CALAMES)
    expect(change.locator("td").nth(1)).to_contain_text(f"{calames} {CALAMES}")
    journey.see("record saved", checked=True, phone=True)
    assert Collection.objects.get(pk=kept.pk).version == 2

    axe_report.assert_clean()
    assert_valid_html(pages, tmp_path)
