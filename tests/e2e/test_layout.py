"""Where I am, on any screen: the menu shows its entries on a laptop (1280 px) without opening
its button, staff and the council find their "Management" entry there and in its dropdown-free
row, and at 200 % zoom (1280 px seen as 640 CSS px) no page scrolls sideways (RGAA 10.11)."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from tests.e2e.conftest import page_width
from tests.factories import (
    AssignmentFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
    decided_application,
    in_review_application,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

LAPTOP = {"width": 1280, "height": 800}
ZOOMED = 640  # 1280 px at 200 %


def t(language, msgid):
    with translation.override(language):
        return translation.gettext(msgid)


def path(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def calls(db):
    """A call in review and a decided one, with long titles and an assignment, as staff see them."""
    in_review = CallFactory(
        closed=True,
        title_fr="Numériser et décrire les plaques autochromes des fonds photographiques",
        title_en="Digitising and describing the autochrome plates of photographic collections",
    )
    application = in_review_application(
        in_review, title="Les thèses de médecine de la Faculté de Paris (1800-1850)"
    )
    expert = ReviewerFactory(email="expert@example.org")
    AssignmentFactory(application=application, reviewer=expert, accepted=True)
    decided = CallFactory(closed=True, title_fr="Appel décidé", title_en="Decided call")
    decided_application(decided)
    return {"in_review": in_review, "decided": decided, "expert": expert}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_laptop_shows_the_menu_without_its_button(personas, axe_report, language, calls):
    visitor = personas("visitor", language)
    visitor.page.set_viewport_size(LAPTOP)
    visitor.goto(path(language, "wagtail_serve", ""))
    header = visitor.page.locator("header")
    expect(header.get_by_role("link", name=t(language, "Calls"), exact=True)).to_be_visible()
    expect(header.get_by_role("link", name=t(language, "Log in"))).to_be_visible()
    expect(header.get_by_role("button", name=t(language, "Show or hide the menu"))).to_be_hidden()
    visitor.see("home at 1280 px")
    axe_report.assert_clean()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_staff_find_their_calls_from_the_header(personas, axe_report, language, calls):
    staff = UserFactory(email="gestion@example.org", roles=[Role.PROGRAMME_MANAGER])
    manager = personas("staff", language)
    manager.page.set_viewport_size(LAPTOP)
    manager.sign_in(staff)
    manager.goto(path(language, "calls:list"))
    page = manager.page
    header = page.locator("header")
    entry = header.get_by_role("link", name=t(language, "Management"), exact=True)
    expect(entry).to_be_visible()
    # The menu holds on its lines: no entry past the screen's edge.
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    entry.click()
    expect(page.locator("h1")).to_have_text(t(language, "Calls in management"))
    in_review, decided = (getattr(calls[c], f"title_{language}") for c in ("in_review", "decided"))
    row = page.locator("tr", has_text=in_review)
    expect(row).to_contain_text(t(language, "In review"))
    expect(page.locator("tr", has_text=decided)).to_contain_text(t(language, "Decided"))
    manager.see("management")
    row.get_by_role("link", name=t(language, "Applications"), exact=True).click()
    expect(page.locator("h1")).to_contain_text(in_review)
    manager.see("applications from management")
    # The personal entries, in their dropdown, opened with the keyboard.
    account = header.get_by_role("button", name=t(language, "My account"))
    account.focus()
    page.keyboard.press("Enter")
    expect(header.get_by_role("link", name=t(language, "Profile and settings"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(header.get_by_role("link", name=t(language, "Profile and settings"))).to_be_hidden()
    axe_report.assert_clean()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_at_200_percent_zoom_no_page_scrolls_sideways(personas, language, calls):
    staff = UserFactory(email="gestion@example.org", roles=[Role.PROGRAMME_MANAGER])
    manager = personas("staff", language)
    manager.sign_in(staff)
    slug = calls["in_review"].slug
    pages = [
        path(language, "calls:list"),
        path(language, "calls:detail", slug),
        path(language, "reviews:management"),
        path(language, "applications:call_applications", slug),
        path(language, "reviews:assignments", slug),
        path(language, "reviews:ranking", slug),
    ]
    reviewer = personas("reviewer", language)
    reviewer.log_in_as(calls["expert"])
    wide = []
    for person, address in [(manager, p) for p in pages] + [
        (reviewer, path(language, "reviews:dashboard"))
    ]:
        person.goto(address)
        width = page_width(person.page, ZOOMED)
        if width > ZOOMED:
            wide.append(f"{address}: {width} px")
    assert wide == []
