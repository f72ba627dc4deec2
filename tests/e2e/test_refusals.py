"""What went wrong, shown where the person is looking, in a Chromium whose own language is
American English (its number inputs would read "3,5" as 35), on French and English pages.

A bad file and a bad score come back beside their fields: the field is focused and in view, and
a summary at the top links to it; "3,5" is a score of three and a half; axe finds no serious
violation on the pages of refusal.
"""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from reviews.models import Review
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallCriterionFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
    in_review_application,
    support_letter_question,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

CRITERIA = ["Qualité scientifique", "Faisabilité", "Impact", "Ouverture", "Équipe", "Budget"]


@pytest.fixture
def american_chromium(browser, live_server, axe_report):
    """A browser context in en-US, whatever page language the test reads; its console errors
    fail the test."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "status of 400" not in message.text  # a page of refusal says so in its status
            and errors.append(message.text)
        ),
    )

    def sign_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    page.sign_in = sign_in
    yield page
    context.close()
    assert not errors, errors


def address(live_server, language, name, *args):
    with translation.override(language):
        return live_server.url + reverse(name, args=args)


def focused_and_in_view(page, selector):
    """The element becomes the focused one, entirely inside the window (or the test fails)."""
    page.wait_for_function(
        """selector => {
            const element = document.querySelector(selector);
            const box = element.getBoundingClientRect();
            return document.activeElement === element && box.top >= 0 && box.left >= 0
                && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
        }""",
        arg=selector,
        timeout=5_000,
    )
    return True


def look(page, axe_report, label):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"refusals-{label}.png")
    axe_report.check(page, label)
    axe_report.check_width(page, label)  # nor wider than a phone's screen


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_bad_file_is_refused_beside_its_field(
    american_chromium, live_server, axe_report, language, tmp_path
):
    page = american_chromium
    applicant = UserFactory()
    questions = [
        {"type": "text", "id": f"q-{n}", "value": {"label": f"Question {n}", "required": False}}
        for n in range(8)
    ] + [support_letter_question()]
    application = ApplicationFactory(call=CallFactory(questions=questions), lead=applicant)
    page.sign_in(applicant)
    page.goto(address(live_server, language, "applications:edit", application.pk))
    fake = tmp_path / "lettre.pdf"
    fake.write_text("Ceci est un texte, pas un PDF.")

    page.locator("#upload-q-letter-file").set_input_files(fake)
    page.locator("button[form=upload-q-letter]").click()

    field = page.locator("#upload-q-letter-file")
    expect(field).to_have_attribute("aria-invalid", "true")
    beside = page.locator("#upload-q-letter-error")
    refused = "n’est pas un fichier" if language == "fr" else "is not a file of an accepted type"
    expect(beside).to_contain_text(refused)
    expect(beside).to_be_in_viewport()
    assert focused_and_in_view(page, "#upload-q-letter-file")
    summary = page.locator("[data-error-summary]")
    expect(summary.locator("a[href='#upload-q-letter-file']")).to_be_visible()
    look(page, axe_report, f"{language}-file-refused")

    # The summary's link takes the focus back to the field, from the top of the page.
    page.evaluate("window.scrollTo(0, 0)")
    summary.locator("a[href='#upload-q-letter-file']").click()
    assert focused_and_in_view(page, "#upload-q-letter-file")
    axe_report.assert_clean()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_bad_score_is_refused_in_view_and_3_5_is_three_and_a_half(
    american_chromium, live_server, axe_report, language
):
    page = american_chromium
    call = CallFactory(closed=True, half_points=True)
    criteria = [
        CallCriterionFactory(
            call=call, name_fr=name, name_en=name, scale_min=0, scale_max=5, sort_order=n
        )
        for n, name in enumerate(CRITERIA)
    ]
    reviewer = ReviewerFactory()
    assignment = AssignmentFactory(
        application=in_review_application(call), reviewer=reviewer, accepted=True
    )
    page.sign_in(reviewer)
    page.goto(address(live_server, language, "reviews:assignment", assignment.pk))
    form = page.locator("form.review-form")
    for criterion in criteria[:-1]:
        form.locator(f"[name=score_{criterion.pk}]").fill("3,5")
    last = f"#id_score_{criteria[-1].pk}"
    form.locator(last).fill("7")

    form.locator("button[name=action][value=save]").click()

    expect(page.locator(last)).to_have_attribute("aria-invalid", "true")
    assert focused_and_in_view(page, last)
    scale = "Donnez une note de 0 à 5." if language == "fr" else "Give a score from 0 to 5."
    expect(page.locator(f"{last}_error")).to_contain_text(scale)
    expect(page.locator(f"{last}_error")).to_be_in_viewport()
    expect(page.locator(f"#id_score_{criteria[0].pk}")).to_have_value("3,5")  # as typed
    summary = page.locator("[data-error-summary]")
    expect(summary.locator(f"a[href='{last}']")).to_contain_text("Budget")
    look(page, axe_report, f"{language}-score-refused")

    page.locator(last).fill("4,5")
    form.locator("button[name=action][value=save]").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\d"))  # its weighted score
    review = Review.objects.get(assignment=assignment)
    assert {row.score for row in review.scores.all()} == {Decimal("3.5"), Decimal("4.5")}
    shown = "3,5" if language == "fr" else "3.5"
    expect(page.locator(f"#id_score_{criteria[0].pk}")).to_have_value(shown)
    look(page, axe_report, f"{language}-score-saved")
    axe_report.assert_clean()
