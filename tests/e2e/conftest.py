"""Browser journeys: Debian's Chromium driven by Playwright, against pytest-django's live server.

Playwright's sync API runs an event loop in the test's thread, which Django would take for an
async context: DJANGO_ALLOW_ASYNC_UNSAFE lets the test set up data with the ORM beside it.
Playwright cannot download browsers here: the tests use /usr/bin/chromium (CHROMIUM to change it).
"""

import os
import re
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from accounts.roles import Role
from tests.factories import UserFactory

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# axe-core's rules for WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# A phone's width: no page may scroll sideways there (RGAA 10.11, WCAG 1.4.10).
PHONE_WIDTH = 375


def page_width(page, width):
    """How wide the page is (its scrolling width, in CSS pixels) in a window `width` wide; the
    window and the scroll position are put back as they were."""
    viewport = page.viewport_size
    scrolled = page.evaluate("[window.scrollX, window.scrollY]")
    page.set_viewport_size({"width": width, "height": viewport["height"]})
    try:
        return page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.set_viewport_size(viewport)
        page.evaluate("([x, y]) => window.scrollTo(x, y)", scrolled)


def carry_serialized_contents(before):
    """Playwright's sync API runs what follows in a greenlet of its own, where Django's connection
    handler (context-local) hands out a new connection object. If the test database was made
    before (by an earlier non-browser test), that object lacks the copy of the migrations' data
    that serialized_rollback restores after each flush (roles' groups, Wagtail's root page):
    carry it over."""
    after = connections[DEFAULT_DB_ALIAS]
    contents = getattr(before, "_test_serialized_contents", None)
    if after is not before and contents is not None:
        after._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    # Only while a browser runs: the rest of the suite keeps Django's check.
    allowed = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Pages that build PDFs (receipt, letters, report) take seconds on a busy CI machine.
    expect.set_options(timeout=20_000)
    try:
        before = connections[DEFAULT_DB_ALIAS]
        with sync_playwright() as playwright:
            carry_serialized_contents(before)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if allowed is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class AxeReport:
    """Every page checked by axe in a test, and the serious or critical violations found."""

    def __init__(self, axe):
        self.axe = axe
        self.checked = []
        self.problems = []
        self.seen = []  # every violation, whatever its impact, for tests/e2e/screenshots/axe.txt

    def check(self, page, label):
        results = self.axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}
        ).response
        self.checked.append(page.url)
        for violation in results["violations"]:
            self.seen.append(f"{label}: {violation['id']} [{violation['impact']}]")
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
                self.problems.append(
                    f"{label} ({page.url}): {violation['id']} [{violation['impact']}] "
                    f"{violation['help']} – {'; '.join(targets)}"
                )

    def check_width(self, page, label, width=PHONE_WIDTH):
        """The page fits a phone's screen: nothing makes it scroll sideways."""
        scroll_width = page_width(page, width)
        if scroll_width > width:
            self.problems.append(
                f"{label} ({page.url}): {scroll_width} px wide at {width} px, it scrolls sideways"
            )

    def write_summary(self, name):
        SCREENSHOTS.mkdir(exist_ok=True)
        lines = [f"{len(self.checked)} pages checked"] + self.checked + ["", "Violations:"]
        (SCREENSHOTS / f"axe-{name}.txt").write_text("\n".join(lines + self.seen) + "\n")

    def assert_clean(self):
        assert not self.problems, "serious or critical violations (axe-core, width):\n" + "\n".join(
            self.problems
        )


@pytest.fixture
def axe_report(axe, request):
    report = AxeReport(axe)
    yield report
    if report.checked:
        report.write_summary(re.sub(r"[^\w-]+", "-", request.node.name))


class Persona:
    """One person's browser context (cookies, downloads), with a tab, in one language."""

    def __init__(self, browser, live_server, name, language, axe_report):
        self.context = browser.new_context(
            locale="fr-FR" if language == "fr" else "en-GB",
            viewport={"width": 1440, "height": 900},
            accept_downloads=True,
        )
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        # Script errors and refusals (a Content-Security-Policy blocking a script or a style
        # would show here); the favicon the app does not have is no error of a page.
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url}: {error}"))
        self.page.on(
            "console",
            lambda message: (
                message.type == "error"
                and "favicon" not in (message.location or {}).get("url", "")
                and self.errors.append(f"{self.page.url}: {message.text}")
            ),
        )
        self.live_server = live_server
        self.name = name
        self.language = language
        self.axe_report = axe_report
        self.shots = 0

    def url(self, path):
        return self.live_server.url + path

    def sign_in(self, user, password=None, totp_secret=None):
        """Sign in as a person does: the sign-in page, then, for staff and council accounts,
        the code their authenticator app shows (computed from its key, as the app does)."""
        from allauth.account.models import EmailAddress
        from django.urls import reverse
        from django.utils import translation
        from playwright.sync_api import expect

        from tests.factories import DEFAULT_PASSWORD, TOTP_SECRET, totp_code

        # Set-up, not the story: the factories' accounts have their address verified.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        with translation.override(self.language):
            login, prompt = reverse("account_login"), reverse("mfa_authenticate")
        page = self.page
        self.goto(login)
        page.locator("input[name=login]").fill(user.email)
        page.locator("input[name=password]").fill(password or DEFAULT_PASSWORD)
        page.locator("main").locator("button[type=submit]").last.click()
        expect(page).not_to_have_url(re.compile(re.escape(login)))
        if prompt in page.url:
            self.see("second factor")
            page.locator("input[name=code]").fill(totp_code(totp_secret or TOTP_SECRET))
            page.locator("main").locator("button[type=submit]").first.click()
            expect(page).not_to_have_url(re.compile(re.escape(prompt)))
        expect(page.locator("form[action$='/logout/']").first).to_be_attached()

    def log_in_as(self, user):
        """Sign in without the form, for reviewers and applicants whose sign-in is not part of
        the journey (staff and council members sign in with their code: sign_in)."""
        from django.conf import settings
        from django.test import Client

        from accounts.second_factor import needs_second_factor

        assert not needs_second_factor(user), "staff and council sign in as people do: sign_in()"
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server.url}]
        )

    def goto(self, path):
        response = self.page.goto(self.url(path))
        assert response.ok, f"{path} answered {response.status}"
        return response

    def see(self, step):
        """Screenshot the page, check it with axe-core (WCAG 2.1 A and AA) and at a phone's
        width (no sideways scroll). The page must be in the persona's language: a redirect that
        drops it is a bug a user notices."""
        self.shots += 1
        lang = self.page.locator("html").get_attribute("lang")
        assert lang == self.language, f"{self.name}: {step} is in {lang!r} ({self.page.url})"
        SCREENSHOTS.mkdir(exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        self.page.screenshot(
            path=SCREENSHOTS / f"{self.language}-{self.name}-{self.shots:02d}-{slug}.png",
            full_page=True,
        )
        self.axe_report.check(self.page, f"[{self.language}] {self.name}: {step}")
        self.axe_report.check_width(self.page, f"[{self.language}] {self.name}: {step}")

    def close(self):
        self.context.close()


@pytest.fixture
def personas(browser, live_server, axe_report):
    """personas("applicant", "en") opens a new browser context; all are closed at the end, and
    no page may have logged a script error or a refusal in the browser's console."""
    opened = []

    def open_persona(name, language="fr"):
        persona = Persona(browser, live_server, name, language, axe_report)
        opened.append(persona)
        return persona

    yield open_persona
    errors = [error for persona in opened for error in persona.errors]
    for persona in opened:
        persona.close()
    assert not errors, "the browser's console shows errors:\n" + "\n".join(errors)


@pytest.fixture
def staff(db):
    """The programme manager the journeys sign in as."""
    return UserFactory(
        email="gestion@example.org",
        first_name="Gaëlle",
        last_name="Gestion",
        roles=[Role.PROGRAMME_MANAGER],
    )
