"""The main actions with the keyboard only: Tab and Shift+Tab to move, Enter and Space to act (and
typing into fields, arrows in a list). No mouse click. Every element the focus reaches must show it
(an outline or a box shadow), the skip link first of all.
"""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from applications.models import Application, ApplicationState
from reviews.models import Assignment, AssignmentState, Review
from tests.factories import (
    DEFAULT_PASSWORD,
    AssignmentFactory,
    BudgetLineFactory,
    CallCriterionFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
    in_review_application,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
# Playwright comes with the e2e extra (make test-e2e), not with the dev tools of make test.
expect = pytest.importorskip("playwright.sync_api").expect

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  // A shadow counts unless it is (still, in a transition) transparent.
  const clear = /rgba\\([^)]*, 0(\\.0\\d*)?\\)/;
  const shadow = style.boxShadow !== "none" && !clear.test(style.boxShadow);
  // The last stop in a date field is Chromium's own calendar button, which Chromium rings.
  const calendar = el.type === "date" && !el.matches(":focus-visible");
  const box = el.getBoundingClientRect();
  return {
    visible: (outline || shadow || calendar) && box.width > 1 && box.height > 1,
    name: `${el.tagName.toLowerCase()} ${(el.innerText || el.name || el.id || "").slice(0, 60)}`,
  };
}"""


class Keyboard:
    """Moves the focus with Tab (or Shift+Tab) and remembers any element that hid it."""

    def __init__(self, page):
        self.page = page
        self.unseen = []

    def focused(self, locator):
        return locator.evaluate("el => el === document.activeElement")

    def tab_to(self, locator, backwards=False, limit=150):
        """Press Tab until `locator` has the focus; fail after `limit` presses."""
        locator.wait_for(state="attached")
        for _press in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            focus = self.page.evaluate(FOCUS_STYLE)
            if not focus["visible"] and not focus["name"].startswith("body"):  # past the end
                self.unseen.append(f"{self.page.url}: {focus['name']}")
            if self.focused(locator):
                return
        raise AssertionError(f"{locator} never got the focus in {limit} presses of Tab")

    def assert_focus_always_visible(self):
        assert not self.unseen, "the focus was invisible on:\n" + "\n".join(self.unseen)


def path(name, *args):
    with translation.override("fr"):
        return reverse(name, args=args)


def t(msgid):
    with translation.override("fr"):
        return translation.gettext(msgid)


def test_a_visitor_skips_to_the_content_finds_a_call_signs_in_and_applies_and_submits(
    personas, live_server
):
    call = CallFactory(
        title_fr="Appel clavier",
        requires_co_construction=False,
        questions=[
            {
                "type": "text",
                "id": "acronym",
                "value": {
                    "label": "Acronyme",
                    "label_en": "Acronym",
                    "help_text": "",
                    "required": True,
                    "max_length": 30,
                },
            }
        ],
    )
    user = UserFactory(email="clavier@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    person = personas("keyboard-applicant")
    page, keys = person.page, Keyboard(person.page)
    person.goto("/")

    skip = page.locator("a.skip-link")
    keys.tab_to(skip, limit=1)  # the first stop
    assert skip.bounding_box()["width"] > 1  # shown once focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    keys.tab_to(page.locator(".call-card a", has_text="Appel clavier"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Appel clavier")
    keys.tab_to(page.locator("main a.btn", has_text=t("Apply")).first)
    page.keyboard.press("Enter")

    keys.tab_to(page.locator("input[name=login]"))
    page.keyboard.type("clavier@example.org")
    keys.tab_to(page.locator("input[name=password]"))
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Appel clavier")  # back to the call

    keys.tab_to(page.locator("main button", has_text=t("Apply")).first)
    page.keyboard.press("Enter")
    expect(page.locator("#draft-form")).to_be_visible()
    keys.tab_to(page.locator("[name=title]"))
    page.keyboard.type("Projet au clavier")
    keys.tab_to(page.locator("[name=acronym]"))
    page.keyboard.type("CLAVIER")
    keys.tab_to(page.get_by_role("button", name=t("Save the draft")))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Projet au clavier")

    application = Application.objects.get(call=call)
    application.team.update(name="Camille Clavier", role="researcher", is_lead=True)
    BudgetLineFactory(application=application, amount_requested=12000)
    page.reload()
    submit = page.get_by_role("button", name=t("Submit the application"))
    keys.tab_to(submit, backwards=True)  # near the end of the page: Shift+Tab is quicker
    page.keyboard.press("Space")
    confirm = page.get_by_role("button", name=t("Confirm and submit"))  # the summary first
    keys.tab_to(confirm)
    page.keyboard.press("Enter")
    expect(page.locator("#submissions")).to_be_visible()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    keys.assert_focus_always_visible()


def test_a_reviewer_scores_and_staff_assign_with_the_keyboard(personas):
    call = CallFactory(closed=True, title_fr="Appel en évaluation", reviewers_per_application=2)
    CallCriterionFactory(call=call, name_fr="Qualité")
    CallCriterionFactory(call=call, name_fr="Faisabilité")
    application = in_review_application(call, title="Dossier au clavier")
    assignment = AssignmentFactory(application=application, state=AssignmentState.ACCEPTED)
    newcomer = ReviewerFactory(first_name="Noé", last_name="Nouveau")

    reviewer = personas("keyboard-reviewer")
    reviewer.log_in_as(assignment.reviewer)
    page, keys = reviewer.page, Keyboard(reviewer.page)
    reviewer.goto(path("reviews:assignment", assignment.pk))
    for field in (
        page.locator("form.review-form fieldset.criterion").locator("input, textarea").all()
    ):
        keys.tab_to(field)
        is_score = field.get_attribute("name").startswith("score_")
        page.keyboard.type("4" if is_score else "Clair et faisable.")
    keys.tab_to(page.locator("[name=comment_for_applicant]"))
    page.keyboard.type("Un projet solide.")
    keys.tab_to(page.locator("[name=recommendation]").first)
    page.keyboard.press("Space")
    keys.tab_to(page.locator("form.review-form button[value=submit]"))
    page.keyboard.press("Enter")
    expect(page.locator("form.review-form")).to_have_count(0)
    assert Review.objects.get(assignment=assignment).is_submitted

    manager = personas("keyboard-staff")
    manager.sign_in(UserFactory(roles=[Role.PROGRAMME_MANAGER]))
    page, staff_keys = manager.page, Keyboard(manager.page)
    manager.goto(path("reviews:assignments", call.slug))
    staff_keys.tab_to(page.locator(f"#application-{application.pk} a[href*='?application=']"))
    page.keyboard.press("Enter")
    expect(page.locator("[name=application]")).to_have_value(str(application.pk))
    reviewer_list = page.locator("[name=reviewer]")
    staff_keys.tab_to(reviewer_list)
    for _press in range(10):
        if reviewer_list.input_value() == str(newcomer.pk):
            break
        page.keyboard.press("ArrowDown")
    assert reviewer_list.input_value() == str(newcomer.pk)
    staff_keys.tab_to(page.locator("button[name=action][value=assign]"))
    page.keyboard.press("Enter")
    expect(page.locator(f"#application-{application.pk} .assignment")).to_have_count(2)
    assert Assignment.objects.filter(application=application, reviewer=newcomer).exists()

    keys.assert_focus_always_visible()
    staff_keys.assert_focus_always_visible()
