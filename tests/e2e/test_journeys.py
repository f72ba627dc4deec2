"""One call's story in a real browser, told in French and again in English: a visitor finds the
call, an applicant signs up and applies, staff screen and assign, a reviewer scores, staff decide
and send the letters, a council member downloads the call report, the applicant reads the decision.

Each person has their own browser context. Every page visited is screenshot (tests/e2e/screenshots/)
and checked by axe-core against WCAG 2.1 A and AA: no serious or critical violation is allowed.
Only what the story does not itself do is set up with factories: the call, the staff, reviewer and
council accounts, and time passing (the call closing).
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader, PdfWriter

from accounts.roles import Role
from applications.models import Application, ApplicationState
from calls.models import EligibilityCheck
from tests.factories import (
    CallCriterionFactory,
    CallFactory,
    ReviewerFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
# Playwright comes with the e2e extra (make test-e2e), not with the dev tools of make test.
expect = pytest.importorskip("playwright.sync_api").expect

APPLICANT_EMAIL = "claire.dupont@example.org"
PASSWORD = "Un mot de passe assez long 2026"
QUESTIONS = [
    {
        "type": "section",
        "id": "project",
        "value": {"title": "Le projet", "title_en": "The project"},
    },
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
    },
    {
        "type": "long_text",
        "id": "abstract",
        "value": {
            "label": "Résumé",
            "label_en": "Abstract",
            "help_text": "",
            "required": True,
            "max_words": 200,
        },
    },
    {
        "type": "file",
        "id": "letter",
        "value": {
            "label": "Lettre de soutien",
            "label_en": "Letter of support",
            "help_text": "",
            "required": True,
            "accepted_types": ["pdf"],
            "max_size_mb": 5,
        },
    },
]


def t(language, msgid, context=None):
    """The interface's text in `language` (English is the source text)."""
    with translation.override(language):
        if context:
            return translation.pgettext(context, msgid)
        return translation.gettext(msgid)


def path(language, name, *args, **kwargs):
    with translation.override(language):
        return reverse(name, args=args, kwargs=kwargs)


def a_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_text(download):
    """The text of a downloaded file, which must be a PDF."""
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-"), "the download is not a PDF"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


AMOUNT = re.compile(r"24[\s\u202f\u00a0,]000")  # 24 000 € or €24,000


@pytest.fixture
def call(db):
    call = CallFactory(
        title_fr="Numériser les fonds d'archives",
        title_en="Digitising archive collections",
        questions=QUESTIONS,
        requires_co_construction=True,
        reviewers_per_application=1,
        envelope=Decimal("100000.00"),
    )
    for position, label in enumerate(["Dossier complet", "Équipe mixte"]):
        EligibilityCheck.objects.create(
            call=call, sort_order=position, label_fr=label, label_en=f"{label} (en)"
        )
    CallCriterionFactory(call=call, name_fr="Qualité scientifique", name_en="Scientific quality")
    CallCriterionFactory(call=call, name_fr="Faisabilité", name_en="Feasibility")
    return call


@pytest.fixture
def expert(db):
    return ReviewerFactory(email="expert@example.org", first_name="Étienne", last_name="Expert")


@pytest.fixture
def council(db):
    return UserFactory(
        email="conseil@example.org",
        first_name="Constance",
        last_name="Conseil",
        roles=[Role.COUNCIL_MEMBER],
    )


def submit_button(page):
    return page.locator("main").locator("button[type=submit]").last


# The story, step by step ---------------------------------------------------------------------


def visitor_finds_the_call(personas, language, call):
    visitor = personas("visitor", language)
    visitor.goto(path(language, "wagtail_serve", ""))
    expect(visitor.page.locator("h1")).to_be_visible()
    visitor.see("home page")
    visitor.page.locator(".call-card").get_by_role(
        "link", name=call.title_fr if language == "fr" else call.title_en
    ).click()
    expect(visitor.page.locator("h1")).to_have_text(
        call.title_fr if language == "fr" else call.title_en
    )
    visitor.see("call page")
    visitor.page.get_by_role("link", name=re.compile("^" + t(language, "Apply"))).first.click()
    expect(visitor.page.locator("input[name=login]")).to_be_visible()
    visitor.see("log in to apply")
    visitor.close()


def applicant_signs_up(personas, language, live_server):
    applicant = personas("applicant", language)
    applicant.goto(path(language, "account_signup"))
    applicant.see("sign up")
    page = applicant.page
    page.locator("input[name=first_name]").fill("Claire")
    page.locator("input[name=last_name]").fill("Dupont")
    page.locator("input[name=email]").fill(APPLICANT_EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    submit_button(page).click()
    page.wait_for_url(re.compile(r"/confirm-email/$|/verification|/email"))
    applicant.see("confirmation sent")

    message = next(m for m in mail.outbox if APPLICANT_EMAIL in m.to)
    link = re.search(r"https?://\S+/confirm-email/\S+/", message.body).group(0)
    applicant.page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    expect(page.locator("main")).to_contain_text("Claire Dupont")  # not the address itself
    applicant.see("confirm the e-mail")
    submit_button(page).click()
    expect(page.get_by_role("button", name=t(language, "Log out"))).to_be_visible()
    applicant.see("signed in")
    return applicant


def applicant_starts_a_draft(applicant, call):
    language, page = applicant.language, applicant.page
    applicant.goto(path(language, "calls:detail", slug=call.slug))
    applicant.see("call page signed in")
    page.get_by_role("button", name=re.compile("^" + t(language, "Apply"))).first.click()
    expect(page.locator("#draft-form")).to_be_visible()
    applicant.see("new draft")
    page.locator("[name=title]").fill("Numérisation du fonds Lumière")
    page.locator("[name=acronym]").fill("LUMIERE")
    page.get_by_role("button", name=t(language, "Save the draft")).click()
    expect(page.locator("h1")).to_have_text("Numérisation du fonds Lumière")
    applicant.see("draft saved")
    page.get_by_role("button", name=t(language, "Log out")).click()
    expect(page.get_by_role("link", name=t(language, "Log in"))).to_be_visible()
    applicant.see("signed out")


def applicant_comes_back_and_submits(applicant, call):
    language, page = applicant.language, applicant.page
    applicant.goto(path(language, "account_login"))
    applicant.see("log in")
    page.locator("input[name=login]").fill(APPLICANT_EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    submit_button(page).click()
    expect(page.get_by_role("button", name=t(language, "Log out"))).to_be_visible()
    applicant.see("signed in again")
    page.get_by_role("link", name=t(language, "My applications")).first.click()
    applicant.see("my applications")
    page.get_by_role("link", name="Numérisation du fonds Lumière").click()
    expect(page.locator("[name=acronym]")).to_have_value("LUMIERE")  # the draft is there
    applicant.see("draft on the second visit")

    page.locator("[name=abstract]").fill("Numériser et décrire les plaques autochromes du fonds.")
    lead = page.locator("fieldset.team-member").first
    expect(lead.locator("[name$=-name]")).to_have_value("Claire Dupont")  # from the account
    lead.locator("[name$=-role]").select_option("researcher")
    lead.locator("[name$=-institution_name]").fill("Université Lumière Lyon 2")
    team = page.locator("fieldset.team-member").last
    team.locator("[name$=-name]").fill("Bruno Petit")
    team.locator("[name$=-email]").fill("bruno.petit@example.org")
    team.locator("[name$=-role]").select_option("documentation_professional")
    team.locator("[name$=-institution_name]").fill("Bibliothèque municipale de Lyon")
    budget = page.locator("#budget")
    budget.locator("[name=budget-0-category]").select_option("staff")
    budget.locator("[name=budget-0-description]").fill("Vacations de numérisation")
    budget.locator("[name=budget-0-amount_requested]").fill("24000")
    page.get_by_role("button", name=t(language, "Save the draft")).click()
    expect(page.locator("fieldset.team-member")).to_have_count(3)
    applicant.see("team and budget")

    page.locator("#upload-letter-file").set_input_files(
        {"name": "lettre-de-soutien.pdf", "mimeType": "application/pdf", "buffer": a_pdf()}
    )
    page.locator("#question-letter").get_by_role("button", name=t(language, "Upload")).click()
    expect(page.get_by_role("link", name="lettre-de-soutien.pdf")).to_be_visible()
    applicant.see("letter uploaded")

    page.get_by_role("button", name=t(language, "Submit the application")).click()
    expect(page.locator("h1")).to_have_text(
        t(language, "Before submitting: check your application")
    )
    expect(page.locator("main")).to_contain_text("lettre-de-soutien.pdf")
    applicant.see("summary before submitting")
    page.get_by_role("button", name=t(language, "Confirm and submit")).click()
    receipt = page.locator("#submissions a[href$='.pdf']")
    expect(receipt).to_be_visible()
    applicant.see("submitted")
    with page.expect_download() as download:
        receipt.click()
    application = Application.objects.get(lead__email=APPLICANT_EMAIL)
    receipt_text = pdf_text(download.value)
    assert application.reference in receipt_text
    lead_named = rf"Claire\s+Dupont\s+\({re.escape(APPLICANT_EMAIL)}\)"  # by name, not address
    assert re.search(lead_named, receipt_text)
    assert application.state == ApplicationState.SUBMITTED
    return application


def staff_screen_and_assign(personas, language, staff, call, application, expert):
    manager = personas("staff", language)
    manager.sign_in(staff)
    page = manager.page
    manager.goto(path(language, "reviews:screening", slug=call.slug))
    manager.see("screening list")
    page.locator("main tr", has_text=application.reference).get_by_role("link").first.click()
    for box in page.locator("[name=checks]").all():
        box.check()
    page.locator("[name=result][value=eligible]").check()
    manager.see("screening form")
    page.get_by_role("button", name=t(language, "Record the screening")).click()
    expect(page.locator(".messages")).to_contain_text(application.reference)
    manager.see("screened")

    manager.goto(path(language, "reviews:assignments", slug=call.slug))
    manager.see("assignments")
    page.locator("[name=application]").select_option(str(application.pk))
    page.locator("[name=reviewer]").select_option(str(expert.pk))
    page.get_by_role("button", name=t(language, "Assign"), exact=True).click()
    expect(page.locator(f"#application-{application.pk} .assignment")).to_contain_text(
        expert.get_full_name()
    )
    manager.see("assigned")
    return manager


def reviewer_accepts_and_scores(personas, language, expert, application):
    reviewer = personas("reviewer", language)
    reviewer.log_in_as(expert)
    page = reviewer.page
    reviewer.goto(path(language, "reviews:dashboard"))
    reviewer.see("dashboard")
    page.locator("main tr", has_text=application.reference).get_by_role("link").click()
    reviewer.see("assignment to answer")
    accept = page.locator("form.answer-accept")
    accept.locator("[name$=no_conflict]").check()
    accept.locator("button[type=submit]").click()
    expect(page.locator("form.review-form")).to_be_visible()
    reviewer.see("dossier")
    form = page.locator("form.review-form")
    for fieldset in form.locator("fieldset.criterion").all():
        fieldset.locator("[name^=score_]").fill("4")
        fieldset.locator("[name^=comment_]").fill("Solide et bien préparé.")
    form.locator("[name=comment_for_applicant]").fill("Un projet clair, une équipe compétente.")
    form.locator("[name=recommendation]").first.check()
    form.get_by_role("button", name=t(language, "Submit"), exact=True).click()
    expect(page.locator("form.review-form")).to_have_count(0)
    reviewer.see("review submitted")
    reviewer.close()


def staff_decide_and_send_letters(manager, call, application):
    language, page = manager.language, manager.page
    manager.goto(path(language, "decisions:call", slug=call.slug))
    manager.see("decisions")
    form = page.locator("#batch-form")
    form.locator("[name=step][value=decision]").check()
    form.locator("[name=scope][value=above]").check()
    form.locator("[name=outcome]").select_option("funded")
    form.locator("[name=body]").select_option(index=1)
    form.locator("[name=meeting_date]").fill(timezone.localdate().isoformat())
    form.locator("[name=motivation]").fill("Classement du conseil scientifique.")
    form.get_by_role("button", name=t(language, "Record")).click()
    expect(page.locator(f"#application-{application.pk} .decision-outcome")).to_contain_text("24")
    manager.see("decided")
    page.get_by_role("button", name=t(language, "Send the decision letters")).click()
    expect(page.locator("form.letters-due")).to_have_count(0)
    manager.see("letters sent")
    manager.close()


def council_member_downloads_the_report(personas, language, council, call):
    member = personas("council", language)
    member.sign_in(council)
    page = member.page
    member.goto(path(language, "reports:call_reports", slug=call.slug))
    member.see("reports")
    page.locator("main form").locator("input[type=radio], select").first.wait_for()
    page.get_by_role("button", name=t(language, "Build the report")).click()
    download_button = page.get_by_role(
        "link", name=re.compile(re.escape(t(language, "Download (PDF)")))
    )
    expect(download_button.first).to_be_visible(timeout=60_000)
    member.see("report ready")
    with page.expect_download() as download:
        download_button.first.click()
    assert "Numérisation du fonds Lumière" in pdf_text(download.value)
    member.close()


def applicant_reads_the_decision(applicant, application):
    language, page = applicant.language, applicant.page
    applicant.goto(path(language, "applications:mine"))
    applicant.see("my applications decided")
    page.get_by_role("link", name=application.title).click()
    letters = page.locator("#decision-letters")
    expect(letters).to_be_visible()
    applicant.see("decision")
    letters.locator("a").first.click()
    expect(page.locator("main")).to_contain_text(AMOUNT)
    expect(page.locator("main")).to_contain_text("Un projet clair, une équipe compétente.")
    applicant.see("decision letter")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_call_from_publication_to_decision(
    personas, axe_report, live_server, language, call, staff, expert, council
):
    visitor_finds_the_call(personas, language, call)
    applicant = applicant_signs_up(personas, language, live_server)
    applicant_starts_a_draft(applicant, call)
    application = applicant_comes_back_and_submits(applicant, call)

    # Time passes: the call closes.
    call.closes_at = timezone.now() - dt.timedelta(minutes=1)
    call.save(update_fields=["closes_at"])

    manager = staff_screen_and_assign(personas, language, staff, call, application, expert)
    reviewer_accepts_and_scores(personas, language, expert, application)
    staff_decide_and_send_letters(manager, call, application)
    council_member_downloads_the_report(personas, language, council, call)
    applicant_reads_the_decision(applicant, application)

    axe_report.assert_clean()
