"""What happens next on the draft page: the progress of each part, and the summary before
submitting (what will be sent, what is missing, the confirmation).

Interface strings are checked on English pages (English is the source text), and on French ones
where French is the point.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import ApplicationState, Submission

from .factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    DisciplineFactory,
    TeamMemberFactory,
    support_letter_question,
)
from .reading import text_of, visible_text
from .test_applicant_journey import ANSWERS, BUDGET, QUESTIONS, TEAM, draft_data

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def call():
    return CallFactory(questions=QUESTIONS)


@pytest.fixture
def complete(applicant, call):
    """A draft that passes every submission check."""
    application = ApplicationFactory(
        call=call, lead=applicant, title="Numérisation des collections", answers=ANSWERS,
        keywords="archives, corpus", complete=True,
    )  # fmt: skip
    application.disciplines.add(DisciplineFactory(name_en="History"))
    return application


def parts(page):
    """{part label: its state} as the progress list of the draft page says them."""
    listing = page[page.index('class="list-unstyled small application-progress"') :]
    listing = listing[: listing.index("</ul>")]
    return dict(
        re.findall(
            r'<a href="#[^"]+">([^<]+)</a>\s*<span class="badge[^"]*">([^<]+)</span>', listing
        )
    )


# The progress of each part ----------------------------------------------------------------


def test_the_progress_list_says_which_parts_are_complete(client, applicant, call, in_english):
    application = ApplicationFactory(call=call, lead=applicant, title="Projet", answers=ANSWERS)
    TeamMemberFactory(application=application, role="researcher", is_lead=True)
    client.force_login(applicant)

    page = text_of(client.get(en("applications:edit", application.pk)))

    assert parts(page) == {
        "Project title": "Complete",
        "The project": "Complete",  # acronym, abstract, field: answered
        "Calendrier": "Complete",
        "Disciplines and keywords": "Optional",
        "Team": "Complete",
        "Budget": "To complete",  # no line yet: submission asks for one
        "Attachments": "Complete",  # the letter is not required
    }
    assert '<a href="#section-project">The project</a>' in page
    assert '<a href="#budget">Budget</a>' in page


def test_a_missing_answer_makes_its_section_incomplete_in_french(client, applicant, call):
    application = ApplicationFactory(
        call=call, lead=applicant, title="", answers=ANSWERS | {"months": ""}
    )
    client.force_login(applicant)

    page = text_of(client.get(reverse("applications:edit", args=[application.pk])))

    states = parts(page)
    assert states["Titre du projet"] == "À compléter"
    assert states["Le projet"] == "Complet"
    assert states["Calendrier"] == "À compléter"  # the duration is missing
    assert states["Équipe"] == "À compléter"


def test_the_attachments_part_follows_the_file_questions(client, applicant, in_english):
    call = CallFactory(questions=[support_letter_question(required=True)])
    application = ApplicationFactory(call=call, lead=applicant)
    client.force_login(applicant)

    page = text_of(client.get(en("applications:edit", application.pk)))

    assert parts(page)["Attachments"] == "To complete"
    assert '<a href="#question-q-letter">Attachments</a>' in page


def test_an_autosave_says_where_each_part_stands_now(client, applicant, call, in_english):
    application = ApplicationFactory(call=call, lead=applicant, title="")
    client.force_login(applicant)

    response = client.post(
        en("applications:edit", application.pk),
        draft_data(1, title="Projet", team=TEAM),
        headers={"X-Requested-With": "fetch"},
    )

    progress = response.json()["progress"]
    assert progress["id_title"] == {"state": "complete", "text": "Complete"}
    assert progress["team"]["state"] == "complete"  # the rows just saved
    assert progress["budget"] == {"state": "incomplete", "text": "To complete"}
    assert progress["matching"]["state"] == "optional"


# The summary before submitting --------------------------------------------------------------


def test_the_submit_button_saves_the_page_then_shows_the_summary(
    client, applicant, call, in_english
):
    application = ApplicationFactory(call=call, lead=applicant, title="")
    client.force_login(applicant)

    response = client.post(
        en("applications:submit", application.pk),
        draft_data(1, team=TEAM, budget=BUDGET),
        follow=True,
    )

    assert response.redirect_chain == [(en("applications:summary", application.pk), 302)]
    application.refresh_from_db()
    assert application.title == "Numérisation des collections"  # saved
    assert application.state == ApplicationState.DRAFT  # not submitted
    assert not Submission.objects.exists()
    page = visible_text(response)
    assert "Before submitting: check your application" in page
    assert "A submitted application can no longer be changed" in page
    # What will be sent: the title, the answers by section as the receipt reads them, the team
    # and the budget's totals.
    assert "Numérisation des collections" in page
    assert "The project" in page and "NUMCOL" in page and "Numériser trois fonds rares" in page
    assert "Jan. 15, 2027" in page  # the date answer, as every page reads it
    assert "Alice Martin" in page and "Archives de Lyon" in page
    assert "Staff Vacations €12,500.50 €1,000" in page
    assert "Nothing is missing." in page
    assert "Confirm and submit" in page


def test_the_summary_shows_attachments_disciplines_and_keywords(client, applicant, in_english):
    from applications.models import Attachment

    call = CallFactory(questions=[support_letter_question()])
    application = ApplicationFactory(call=call, lead=applicant, complete=True, keywords="corpus")
    application.disciplines.add(DisciplineFactory(name_en="Medieval history"))
    Attachment.objects.create(
        application=application,
        question_id="q-letter",
        original_name="lettre-soutien.pdf",
        content_type="application/pdf",
        size=1200,
        sha256="0" * 64,
        file="applications/lettre.pdf",
    )
    client.force_login(applicant)

    page = visible_text(client.get(en("applications:summary", application.pk)))

    assert "Support letter lettre-soutien.pdf" in page
    assert "Medieval history" in page
    assert "Keywords corpus" in page


def test_confirming_on_the_summary_submits(
    client, applicant, complete, django_capture_on_commit_callbacks, in_english
):
    client.force_login(applicant)
    summary = text_of(client.get(en("applications:summary", complete.pk)))
    assert f'action="{en("applications:submit", complete.pk)}"' in summary
    assert f'name="confirm" value="{complete.version}"' in summary

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            en("applications:submit", complete.pk), {"confirm": complete.version}, follow=True
        )

    assert "Your application was received on" in text_of(response)
    complete.refresh_from_db()
    assert complete.state == ApplicationState.SUBMITTED
    assert complete.submissions.get().content["title"] == "Numérisation des collections"


def test_a_summary_of_an_older_version_is_shown_again_before_submitting(
    client, applicant, complete, in_english
):
    client.force_login(applicant)
    shown = complete.version
    client.post(
        en("applications:edit", complete.pk),
        draft_data(shown, title="Changed in another tab", team=TEAM, budget=BUDGET),
    )

    response = client.post(en("applications:submit", complete.pk), {"confirm": shown}, follow=True)

    assert response.redirect_chain == [(en("applications:summary", complete.pk), 302)]
    page = text_of(response)
    assert "The draft changed since this summary was shown" in page
    assert "Changed in another tab" in page
    complete.refresh_from_db()
    assert complete.state == ApplicationState.DRAFT


def test_a_missing_part_is_listed_with_its_link_and_no_confirm_button(
    client, applicant, call, in_english
):
    application = ApplicationFactory(call=call, lead=applicant, title="", answers=ANSWERS)
    TeamMemberFactory(application=application, role="researcher", is_lead=True)
    BudgetLineFactory(application=application, amount_requested=Decimal("70000"))
    client.force_login(applicant)

    page = text_of(client.get(en("applications:summary", application.pk)))

    edit = en("applications:edit", application.pk)
    assert "What is missing before you can submit" in page
    assert f'<a href="{edit}?check=1#id_title">Project title</a>: Give your project a title.' in (
        page
    )
    assert re.search(rf'<a href="{edit}\?check=1#[\w-]+">Budget</a>: The amount requested', page)
    assert "exceeds the maximum of this call" in page
    assert "Confirm and submit" not in page
    assert 'name="confirm"' not in page
    # The link leads to the draft page with each problem beside its field.
    draft = text_of(client.get(f"{edit}?check=1"))
    assert 'id="id_title_error"' in draft or "Give your project a title." in draft


def test_the_summary_in_french(client, applicant, complete):
    client.force_login(applicant)

    page = visible_text(client.get(reverse("applications:summary", args=[complete.pk])))

    assert "Avant le dépôt : vérifiez votre candidature" in page
    assert "Confirmer et déposer" in page
    assert "15 janvier 2027" in page


def test_the_summary_of_a_submitted_application_leads_back_to_its_page(
    client, applicant, in_english
):
    application = ApplicationFactory(lead=applicant, submitted=True)
    client.force_login(applicant)

    response = client.get(en("applications:summary", application.pk), follow=True)

    assert response.redirect_chain == [(en("applications:edit", application.pk), 302)]
    assert "This application was already submitted." in text_of(response)
