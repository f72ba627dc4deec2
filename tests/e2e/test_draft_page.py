"""The draft page in a real browser, in French and in English: team rows and budget lines added
and removed without a save, the totals kept up to date as amounts are typed (decimal comma or
point, written back in the page's language), what autosave and the Save button keep, the
progress list, and the summary before submitting with its confirmation.

Every page is screenshot and checked by axe-core (WCAG 2.1 A and AA) and at a phone's width.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import Application, ApplicationState
from tests.factories import ApplicationFactory, BudgetLineFactory, CallFactory, UserFactory
from tests.test_applicant_journey import ANSWERS, QUESTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
expect = pytest.importorskip("playwright.sync_api").expect

# What each language types, and how the page writes it back (\s: JavaScript's spaces include
# the no-break spaces that French puts in amounts).
TYPED = {"fr": "1 500,50", "en": "1,500.50"}
TOTAL_WITH_ALL = {"fr": r"^11\s500,50\s€$", "en": r"^€11,500\.50$"}
TOTAL_NEW_LINE_ONLY = {"fr": r"^1\s500,50\s€$", "en": r"^€1,500\.50$"}


def t(language, msgid, context=None):
    with translation.override(language):
        if context:
            return translation.pgettext(context, msgid)
        return translation.gettext(msgid)


def path(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def draft(db):
    """A draft with its answers, the lead as a researcher and one saved budget line; no title."""
    lead = UserFactory(first_name="Claire", last_name="Dupont")
    call = CallFactory(questions=QUESTIONS, requires_co_construction=True)
    application = ApplicationFactory(call=call, lead=lead, title="", answers=ANSWERS)
    application.team.create(
        name="Claire Dupont", email=lead.email, role="researcher", is_lead=True, position=0
    )
    BudgetLineFactory(
        application=application, category="staff", description="Vacations", amount_requested=10000
    )
    return application


def focused_name(page):
    return page.evaluate("document.activeElement.name")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_rows_totals_and_the_summary_before_submitting(personas, axe_report, draft, language):
    applicant = personas("draft", language)
    applicant.log_in_as(draft.lead)
    page = applicant.page
    applicant.goto(path(language, "applications:edit", draft.pk))
    progress = page.locator(".application-progress")
    expect(progress.locator("li", has_text=t(language, "Project title"))).to_contain_text(
        t(language, "To complete", "part of an application")
    )
    expect(progress.locator("li", has_text=t(language, "Budget"))).to_contain_text(
        t(language, "Complete", "part of an application")
    )
    applicant.see("draft page")

    team_part = progress.locator("li", has_text=t(language, "Team"))
    expect(team_part).to_contain_text(t(language, "To complete", "part of an application"))

    # A member added without a save; autosave keeps it, and the team is now complete.
    team = page.locator("#team")
    team.get_by_role("button", name=t(language, "Add another member")).click()
    expect(team.locator("[data-rows-status]")).to_have_text(t(language, "Member added."))
    assert focused_name(page) == "team-2-name"
    member = team.locator("fieldset.team-member").last
    member.locator("[name$=-name]").fill("Bruno Petit")
    member.locator("[name$=-role]").select_option("documentation_professional")
    member.locator("[name$=-institution_name]").fill("Bibliothèque municipale de Lyon")
    page.locator("[name=title]").focus()  # leaving the row saves it
    expect(page.locator("#autosave-status")).to_contain_text(
        t(language, "Saved at %%(time)s.").split("%")[0].strip()
    )
    assert Application.objects.get(pk=draft.pk).team.filter(name="Bruno Petit").exists()
    expect(team_part).to_contain_text(t(language, "Complete", "part of an application"))
    expect(team_part.locator(".progress-state")).to_have_class(re.compile("text-bg-success"))

    # A budget line added, the totals follow what is typed.
    budget = page.locator("#budget")
    add_line = budget.get_by_role("button", name=t(language, "Add another line"))
    add_line.click()
    expect(budget.locator("[data-rows-status]")).to_have_text(t(language, "Line added."))
    line = budget.locator("fieldset.budget-line").last
    line.locator("[name$=-category]").select_option("travel")
    line.locator("[name$=-description]").fill("Missions à Lyon")
    line.locator("[name$=-amount_requested]").fill(TYPED[language])
    totals = page.locator("#budget-totals")
    requested = totals.locator("tfoot [data-total=requested]")
    expect(requested).to_have_text(re.compile(TOTAL_WITH_ALL[language]))
    expect(totals.locator("tr[data-category=travel]")).to_be_visible()
    line.locator("[name$=-amount_requested]").blur()
    expect(budget.locator("[data-rows-status]")).to_contain_text(
        t(language, "Total requested: %%(total)s.").split("%")[0].strip()
    )
    applicant.see("a member and a line added")

    # A line added then removed; the saved line marked for removal leaves the totals.
    add_line.click()
    budget.locator("fieldset.budget-line").last.locator("[name$=-amount_requested]").fill("99")
    budget.get_by_role("button", name=re.compile(t(language, "Remove this line"))).last.click()
    expect(budget.locator("[data-rows-status]")).to_have_text(t(language, "Line removed."))
    expect(requested).to_have_text(re.compile(TOTAL_WITH_ALL[language]))
    budget.locator("fieldset.budget-line").first.locator("[name$=-DELETE]").check()
    expect(requested).to_have_text(re.compile(TOTAL_NEW_LINE_ONLY[language]))
    expect(totals.locator("tr[data-category=staff]")).to_be_hidden()

    # Saved, then read again: the rows are those the page showed.
    page.get_by_role("button", name=t(language, "Save the draft")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.reload()
    names = page.locator("#team [name$=-name]")
    expect(names.nth(1)).to_have_value("Bruno Petit")
    descriptions = page.locator("#budget [name$=-description]")
    expect(descriptions.first).to_have_value("Missions à Lyon")
    expect(descriptions).to_have_count(2)  # the line kept, and the blank one
    lines = Application.objects.get(pk=draft.pk).budget_lines.all()
    assert [(line.category, line.amount_requested) for line in lines] == [
        ("travel", Decimal("1500.50"))
    ]
    expect(requested).to_have_text(re.compile(TOTAL_NEW_LINE_ONLY[language]))

    # Submitting first shows the summary: the title is missing, there is nothing to confirm.
    page.get_by_role("button", name=t(language, "Submit the application")).click()
    expect(page.locator("h1")).to_have_text(
        t(language, "Before submitting: check your application")
    )
    missing = page.locator("#missing")
    expect(missing).to_contain_text(t(language, "Give your project a title."))
    expect(page.get_by_role("button", name=t(language, "Confirm and submit"))).to_have_count(0)
    applicant.see("summary with what is missing")
    missing.get_by_role("link", name=t(language, "Project title")).click()
    expect(page.locator("[name=title]")).to_be_visible()
    page.locator("[name=title]").fill("Numérisation du fonds Lumière")

    # Complete: the summary shows what will be sent, and the applicant confirms.
    page.get_by_role("button", name=t(language, "Submit the application")).click()
    main = page.locator("main")
    expect(main).to_contain_text("Numérisation du fonds Lumière")
    expect(main).to_contain_text("Bruno Petit")
    expect(main).to_contain_text("Missions à Lyon")
    expect(main).to_contain_text("NUMCOL")
    expect(main).to_contain_text(
        t(
            language,
            "Nothing is missing. Read what will be sent, then confirm at the bottom of this page.",
        )
    )
    applicant.see("summary before submitting")
    assert Application.objects.get(pk=draft.pk).state == ApplicationState.DRAFT
    page.get_by_role("button", name=t(language, "Confirm and submit")).click()
    expect(page.locator("#submissions")).to_be_visible()
    applicant.see("submitted")
    assert Application.objects.get(pk=draft.pk).state == ApplicationState.SUBMITTED

    axe_report.assert_clean()
