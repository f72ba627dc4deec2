"""The applicant's journey: start from a call, the single window, the draft page (save, autosave,
two tabs), submit at the deadline's edge, withdraw, and who may see what.

Interface strings are checked on English pages (English is the source text).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application, ApplicationState, Submission
from applications.services import SubmissionRefused, submit_application

from .factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    InstitutionFactory,
    TeamMemberFactory,
    joined_member,
)

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"


def question(kind, block_id, label, **value):
    value = {"label": label, "label_en": f"{label} (en)", "help_text": "", "required": True} | value
    return {"type": kind, "id": block_id, "value": value}


QUESTIONS = [
    {
        "type": "section",
        "id": "project",
        "value": {"title": "Le projet", "title_en": "The project"},
    },
    question("text", "acronym", "Acronyme", max_length=30),
    question("long_text", "abstract", "Résumé", max_words=5, help_text="Cinq mots au plus."),
    question(
        "choice",
        "field",
        "Domaine",
        multiple=False,
        choices=[{"type": "item", "value": v, "id": v} for v in ("SHS", "Sciences")],
    ),
    question(
        "choice",
        "tags",
        "Mots-clés",
        multiple=True,
        required=False,
        choices=[{"type": "item", "value": v, "id": v} for v in ("corpus", "archives", "IA")],
    ),
    {"type": "section", "id": "planning", "value": {"title": "Calendrier", "title_en": ""}},
    question("number", "months", "Durée en mois", min_value="1", max_value="36"),
    question("date", "start", "Début"),
    question("file", "letter", "Lettre", accepted_types=["pdf"], max_size_mb=5, required=False),
]

ANSWERS = {
    "acronym": "NUMCOL",
    "abstract": "Numériser trois fonds rares",
    "field": "SHS",
    "tags": ["corpus", "IA"],
    "months": "12",
    "start": "2027-01-15",
}


def en(name, *args, **kwargs):
    with translation.override("en"):
        return reverse(name, args=args, kwargs=kwargs)


def call_with_questions(**kwargs):
    return CallFactory(questions=QUESTIONS, **kwargs)


def draft_data(version, title="Numérisation des collections", answers=None, team=(), budget=()):
    """What the draft page posts: title, answers, the team and budget formsets."""
    data = {"version": str(version), "title": title, **(ANSWERS if answers is None else answers)}
    for prefix, rows in (("team", team), ("budget", budget)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows) + 1),  # the blank row of the page
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


TEAM = [
    {
        "name": "Alice Martin",
        "email": "alice@example.org",
        "orcid": ORCID,
        "role": "researcher",
        "is_lead": "on",
    },
    {"name": "Bruno Petit", "institution_name": "Archives de Lyon", "role": "archivist"},
]
BUDGET = [
    {
        "category": "staff",
        "description": "Vacations",
        "amount_requested": "12 500,50",
        "cofunding": "1000",
    },
    {"category": "equipment", "description": "Scanner", "amount_requested": "7500"},
]


@pytest.fixture
def draft(applicant):
    return ApplicationFactory(call=call_with_questions(), lead=applicant, title="")


# Starting an application -------------------------------------------------------------------


def test_a_signed_in_applicant_starts_a_draft_from_the_call_page(client, applicant):
    call = call_with_questions()
    client.force_login(applicant)
    start_url = en("applications:start", slug=call.slug)

    call_page = client.get(en("calls:detail", slug=call.slug)).content.decode()
    assert f'<form method="post" action="{start_url}"' in call_page
    assert "csrfmiddlewaretoken" in call_page
    assert "not available yet" not in call_page

    response = client.post(start_url, follow=True)

    application = Application.objects.get(call=call, lead=applicant)
    assert response.redirect_chain[-1][0] == en("applications:edit", application.pk)
    content = response.content.decode()
    assert "Your draft is created" in content
    assert 'id="draft-form"' in content
    assert application.team.get().email == applicant.email  # the lead is in the team


def test_a_visitor_is_sent_to_log_in_and_back(client):
    call = CallFactory()

    response = client.post(en("applications:start", slug=call.slug))

    assert response.status_code == 302
    assert response.url.startswith(en("account_login"))
    assert not Application.objects.exists()


def test_no_application_on_a_closed_call(client, applicant):
    call = CallFactory(closed=True)
    client.force_login(applicant)

    response = client.post(en("applications:start", slug=call.slug), follow=True)

    assert response.redirect_chain[-1][0] == en("calls:detail", slug=call.slug)
    assert "This call is not open for applications." in response.content.decode()
    assert not Application.objects.exists()


def test_one_application_per_lead_and_call(client, applicant):
    call = CallFactory()
    client.force_login(applicant)
    client.post(en("applications:start", slug=call.slug))

    response = client.post(en("applications:start", slug=call.slug), follow=True)

    application = Application.objects.get(call=call)  # still only one
    assert response.redirect_chain[-1][0] == en("applications:edit", application.pk)
    assert "You already have an application to this call." in response.content.decode()


def test_several_applications_when_the_call_allows_them(client, applicant):
    call = CallFactory(allows_multiple_applications=True)
    client.force_login(applicant)

    client.post(en("applications:start", slug=call.slug))
    client.post(en("applications:start", slug=call.slug))

    assert Application.objects.filter(call=call, lead=applicant).count() == 2


# My applications ---------------------------------------------------------------------------


def test_my_applications_lists_every_call_with_state_and_deadline(
    client, applicant, other_applicant
):
    open_call = CallFactory(
        title_en="Digitisation 2027", closes_at=timezone.now() + dt.timedelta(days=5, hours=2)
    )
    closed_call = CallFactory(closed=True, title_en="Archives 2025")
    ApplicationFactory(call=open_call, lead=applicant, title="Corpus épistolaires")
    ApplicationFactory(
        call=closed_call, lead=applicant, title="Fonds photographiques", state="submitted"
    )
    ApplicationFactory(call=open_call, lead=other_applicant, title="Pas à moi")
    client.force_login(applicant)

    content = client.get(en("applications:mine")).content.decode()

    assert content.count("<h1") == 1
    assert "Corpus épistolaires" in content and "Fonds photographiques" in content
    assert "Pas à moi" not in content
    assert "Digitisation 2027" in content and "Archives 2025" in content
    assert f'href="{en("calls:detail", slug=open_call.slug)}"' in content
    assert "Draft" in content and "Submitted" in content
    assert "Closes in 5 days." in content and "Closed" in content
    assert 'href="/en/applications/"' in content  # the header link


def test_my_applications_empty_state_points_to_the_open_calls(client, applicant):
    client.force_login(applicant)

    content = client.get(en("applications:mine")).content.decode()

    assert "You have no application yet." in content
    assert f'href="{en("calls:list")}?phase=open"' in content


@pytest.mark.parametrize("count", [5, 500])
def test_my_applications_query_count_does_not_grow(
    client, applicant, count, django_assert_max_num_queries
):
    calls = [CallFactory() for _ in range(3)]
    Application.objects.bulk_create(
        Application(call=calls[index % 3], lead=applicant, title=f"Projet {index}")
        for index in range(count)
    )
    joined = [ApplicationFactory(call=calls[0]) for _ in range(2 if count < 100 else 20)]
    for application in joined:
        joined_member(application, applicant)  # the teams the person joined
    client.force_login(applicant)
    client.get(en("applications:mine"))  # the site's settings are created on the first visit

    # One more than before the team invitations: the applications the person joined; one more
    # for the reports their funded projects owe (projects, through applications.my_page); one
    # more for the labelled collections they hold (labels.my_page).
    with django_assert_max_num_queries(11):
        response = client.get(en("applications:mine"))

    assert response.content.decode().count("<tr>") == count + 1 + len(joined) + 1


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    for url in (en("applications:mine"), en("applications:edit", draft.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(en("account_login"))


# The draft page ----------------------------------------------------------------------------


def test_the_form_is_the_calls_questions_grouped_in_sections(client, applicant, draft):
    client.force_login(applicant)

    content = client.get(en("applications:edit", draft.pk)).content.decode()

    assert content.count("<h1") == 1
    assert "<legend" in content and "The project" in content
    assert "Calendrier" in content  # no English title: the French one
    assert "Acronyme (en)" in content  # English labels on the English page
    assert 'name="acronym"' in content and 'maxlength="30"' in content
    assert 'data-max-words="5"' in content and "0 / 5 words" in content
    assert re.search(r'type="radio"[^>]*name="field" value="SHS"', content)
    assert re.search(r'type="checkbox"[^>]*name="tags" value="IA"', content)
    assert 'type="text" name="months" inputmode="decimal"' in content
    assert 'type="date" name="start"' in content
    upload = en("applications:upload", draft.pk, "letter")
    assert f'action="{upload}"' in content and 'enctype="multipart/form-data"' in content
    assert 'form="upload-letter"' in content
    assert 'name="team-0-name"' in content and 'name="budget-0-amount_requested"' in content
    assert 'js/autosave.js" defer' in content and 'js/word-count.js" defer' in content
    assert "<script>" not in content


def test_a_saved_draft_is_found_again_after_reload(client, applicant, draft):
    institution = InstitutionFactory(name="Bibliothèque de test", acronym="BDT")
    team = [TEAM[0] | {"institution": str(institution.pk)}, TEAM[1]]
    client.force_login(applicant)

    response = client.post(
        en("applications:edit", draft.pk),
        draft_data(draft.version, team=team, budget=BUDGET),
        follow=True,
    )

    content = response.content.decode()
    assert "Draft saved at" in content
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.title == "Numérisation des collections"
    assert draft.answers == {
        "acronym": "NUMCOL",
        "abstract": "Numériser trois fonds rares",
        "field": "SHS",
        "tags": ["corpus", "IA"],
        "months": 12,
        "start": "2027-01-15",
    }
    members = list(draft.team.all())
    assert [m.name for m in members] == ["Alice Martin", "Bruno Petit"]
    assert members[0].institution == institution and members[0].is_lead
    assert members[1].institution_label == "Archives de Lyon"
    lines = list(draft.budget_lines.all())
    assert lines[0].amount_requested == Decimal("12500.50")
    assert draft.budget_totals() == {"requested": Decimal("20000.50"), "cofunding": Decimal("1000")}
    # What the applicant sees after the reload.
    assert 'value="Numérisation des collections"' in content
    assert 'value="NUMCOL"' in content and "Numériser trois fonds rares</textarea>" in content
    assert "4 / 5 words" in content
    assert re.search(r'value="SHS"[^>]*checked', content)
    assert re.search(r'value="IA"[^>]*checked', content)
    assert 'value="Alice Martin"' in content and 'value="Archives de Lyon"' in content
    assert "Bibliothèque de test (BDT)" in content
    assert "€20,000.50" in content and "€60,000" in content
    assert 'name="version" value="2"' in content


def test_drafts_keep_answers_as_typed(client, applicant, draft):
    client.force_login(applicant)
    answers = {
        "acronym": "X" * 40,
        "abstract": "un deux trois quatre cinq six sept",
        "months": "douze",
        "start": "bientôt",
    }

    client.post(en("applications:edit", draft.pk), draft_data(draft.version, answers=answers))

    draft.refresh_from_db()
    assert draft.answers["months"] == "douze"
    assert draft.answers["start"] == "bientôt"
    assert draft.answers["acronym"] == "X" * 40  # too long, refused only at submission


def test_a_removed_team_member_is_gone_and_blank_rows_are_ignored(client, applicant, draft):
    client.force_login(applicant)
    client.post(en("applications:edit", draft.pk), draft_data(1, team=TEAM))
    team = [TEAM[0], TEAM[1] | {"DELETE": "on"}]

    client.post(en("applications:edit", draft.pk), draft_data(2, team=team))

    assert [member.name for member in draft.team.all()] == ["Alice Martin"]


def test_an_invalid_orcid_keeps_the_team_unsaved_but_saves_the_answers(client, applicant, draft):
    client.force_login(applicant)
    team = [TEAM[0] | {"orcid": "0000-0002-1825-0098"}]

    response = client.post(en("applications:edit", draft.pk), draft_data(1, team=team))

    content = response.content.decode()
    assert response.status_code == 200
    assert "The team was not saved" in content
    assert "its last character does not match" in content
    assert 'value="0000-0002-1825-0098"' in content  # what was typed is still there
    assert 'name="version" value="2"' in content
    draft.refresh_from_db()
    assert draft.answers["acronym"] == "NUMCOL"
    assert not draft.team.exists()  # the team was not saved


def test_a_pasted_orcid_address_is_saved_as_the_identifier(client, applicant, draft):
    client.force_login(applicant)
    team = [TEAM[0] | {"orcid": f"https://orcid.org/{ORCID}"}]

    client.post(en("applications:edit", draft.pk), draft_data(1, team=team))

    assert draft.team.get().orcid == ORCID


def test_autosave_answers_json_with_the_new_version(client, applicant, draft):
    client.force_login(applicant)

    response = client.post(
        en("applications:edit", draft.pk),
        draft_data(draft.version),
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    draft.refresh_from_db()
    assert body["saved_at"] == timezone.localtime(draft.updated_at).strftime("%H:%M")
    assert body["warning"] == ""
    assert draft.answers["acronym"] == "NUMCOL"


def test_two_saves_from_stale_copies_the_second_is_refused_and_keeps_its_input(
    client, applicant, draft
):
    client.force_login(applicant)
    url = en("applications:edit", draft.pk)
    first = draft_data(1, answers=ANSWERS | {"acronym": "FIRST"})
    second = draft_data(1, answers=ANSWERS | {"acronym": "SECOND"}, title="Autre titre")

    assert client.post(url, first).status_code == 302
    response = client.post(url, second)

    assert response.status_code == 409
    content = response.content.decode()
    assert "This draft was changed elsewhere" in content
    assert 'value="SECOND"' in content and 'value="Autre titre"' in content
    draft.refresh_from_db()
    assert draft.answers["acronym"] == "FIRST"
    assert draft.version == 2

    fetched = client.post(url, second, headers={"X-Requested-With": "fetch"})
    assert fetched.status_code == 409
    assert "changed elsewhere" in fetched.json()["error"]


# Submission --------------------------------------------------------------------------------


def complete_draft(lead, **call_kwargs):
    return ApplicationFactory(call=CallFactory(**call_kwargs), lead=lead, complete=True)


def test_submit_before_the_deadline(client, applicant, django_capture_on_commit_callbacks):
    application = complete_draft(applicant, closes_at=timezone.now() + dt.timedelta(seconds=30))
    client.force_login(applicant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("applications:submit", application.pk), follow=True)

    content = response.content.decode()
    assert "Your application was received on" in content
    assert f"receipt with its fingerprint is on its way to {applicant.email}" in content
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    submission = application.submissions.get()
    assert submission.fingerprint in content
    assert en("applications:receipt", application.pk, 1) in content
    assert 'id="draft-form"' not in content  # read-only now


def test_submit_from_the_page_saves_what_it_shows_first(
    client, applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(call=call_with_questions(), lead=applicant, title="")
    client.force_login(applicant)
    data = draft_data(1, team=TEAM, budget=BUDGET)

    response = client.post(en("applications:submit", application.pk), data)
    assert response.url == en("applications:summary", application.pk)  # not submitted yet
    assert not Submission.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("applications:submit", application.pk), {"confirm": "2"})

    assert response.status_code == 302
    submission = Submission.objects.get(application=application)
    assert submission.content["title"] == "Numérisation des collections"
    assert submission.content["answers"]["acronym"] == "NUMCOL"
    assert len(submission.content["team"]) == 2


def test_submit_after_the_deadline_is_refused_and_the_draft_stays_readable(client, applicant):
    application = complete_draft(
        applicant,
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(seconds=1),
    )
    client.force_login(applicant)

    response = client.post(en("applications:submit", application.pk))

    assert response.status_code == 400
    content = response.content.decode()
    assert "The deadline passed on" in content
    assert "Your draft is kept and stays readable." in content
    assert application.title in content
    assert "Chercheuse" in content  # the team, read-only
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert not Submission.objects.exists()

    page = client.get(en("applications:edit", application.pk)).content.decode()
    assert "this draft was not submitted and can no longer be" in page
    assert 'id="draft-form"' not in page


def test_the_deadline_edge_in_the_service(applicant):
    application = complete_draft(applicant)
    closes_at = application.call.closes_at

    with pytest.raises(SubmissionRefused) as refused:
        submit_application(application, applicant, now=closes_at + dt.timedelta(seconds=1))
    assert list(refused.value.problems) == ["__all__"]
    with pytest.raises(SubmissionRefused):
        submit_application(application, applicant, now=closes_at)  # closing time is excluded

    submission = submit_application(application, applicant, now=closes_at - dt.timedelta(seconds=1))
    assert submission.received_at == closes_at - dt.timedelta(seconds=1)


def test_every_problem_is_shown_next_to_its_field(client, applicant, draft):
    draft.answers = {"abstract": "un deux trois quatre cinq six"}
    draft.save()
    client.force_login(applicant)

    response = client.post(en("applications:submit", draft.pk))

    assert response.status_code == 400
    content = response.content.decode()
    assert "The application was not submitted" in content
    assert '<a href="#id_title">Project title</a>: Give your project a title.' in content
    assert '<a href="#id_acronym">Acronyme (en)</a>: This answer is required.' in content
    assert '<a href="#id_field_0">Domaine (en)</a>' in content
    assert "At most 5 words (this answer has 6)." in content
    assert 'id="id_acronym_error"' in content
    assert 'aria-describedby="id_acronym_error"' in content
    assert '<a href="#team">Team</a>: Add the members of the team.' in content
    # The link goes to the amount to type, marked invalid and described by the budget's message.
    assert '<a href="#id_budget-0-amount_requested">Budget</a>: Enter the budget' in content


def test_co_construction_is_required_with_its_message_by_the_team(client, applicant):
    application = ApplicationFactory(
        call=CallFactory(requires_co_construction=True), lead=applicant, title="Projet"
    )
    TeamMemberFactory(application=application, role="researcher", is_lead=True)
    TeamMemberFactory(application=application, role="researcher")
    BudgetLineFactory(application=application)
    client.force_login(applicant)

    response = client.post(en("applications:submit", application.pk))

    content = response.content.decode()
    assert response.status_code == 400
    assert "This call requires co-construction" in content
    team_section = content[content.index('id="team"') : content.index('id="budget"')]
    assert "at least one researcher and at least one documentation professional" in team_section
    assert '<a href="#team">Team</a>' in content
    assert not Submission.objects.exists()


def test_a_budget_over_the_maximum_is_refused(client, applicant):
    application = ApplicationFactory(call=CallFactory(), lead=applicant, title="Projet")
    TeamMemberFactory(application=application, role="researcher", is_lead=True)
    BudgetLineFactory(application=application, amount_requested=Decimal("70000"))
    client.force_login(applicant)

    response = client.post(en("applications:submit", application.pk))

    assert response.status_code == 400
    assert "exceeds the maximum of this call" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_double_submit_makes_one_submission(
    client, applicant, django_capture_on_commit_callbacks
):
    application = complete_draft(applicant)
    client.force_login(applicant)
    url = en("applications:submit", application.pk)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        response = client.post(url, follow=True)

    assert Submission.objects.filter(application=application).count() == 1
    assert "This application was already submitted." in response.content.decode()


def test_a_submitted_application_is_read_only(
    client, applicant, django_capture_on_commit_callbacks
):
    application = complete_draft(applicant)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("applications:submit", application.pk))
    application.refresh_from_db()

    response = client.post(
        en("applications:edit", application.pk),
        draft_data(application.version, title="Changed after submission"),
        follow=True,
    )

    content = response.content.decode()
    assert "it can no longer be changed" in content
    assert 'id="draft-form"' not in content
    application.refresh_from_db()
    assert application.title != "Changed after submission"
    fetched = client.post(
        en("applications:edit", application.pk),
        draft_data(application.version),
        headers={"X-Requested-With": "fetch"},
    )
    assert fetched.status_code == 409


# Withdrawal --------------------------------------------------------------------------------


def test_withdraw_before_the_call_closes(client, applicant, django_capture_on_commit_callbacks):
    application = complete_draft(applicant)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("applications:submit", application.pk))

    page = client.get(en("applications:edit", application.pk)).content.decode()
    assert "Yes, withdraw my application" in page
    response = client.post(en("applications:withdraw", application.pk), follow=True)

    assert "Your application is withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN


def test_no_withdrawal_of_a_submitted_application_after_the_call_closes(
    client, applicant, django_capture_on_commit_callbacks
):
    application = complete_draft(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(application, applicant)
    call = application.call
    call.closes_at = timezone.now() - dt.timedelta(seconds=1)
    call.save(update_fields=["closes_at"])
    client.force_login(applicant)

    page = client.get(en("applications:edit", application.pk)).content.decode()
    assert "Yes, withdraw my application" not in page
    response = client.post(en("applications:withdraw", application.pk), follow=True)

    assert "a submitted application can no longer be withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


# Who may see what --------------------------------------------------------------------------


def test_another_applicant_gets_404_everywhere(client, other_applicant, draft):
    client.force_login(other_applicant)

    assert client.get(en("applications:edit", draft.pk)).status_code == 404
    assert client.post(en("applications:edit", draft.pk), draft_data(1)).status_code == 404
    assert client.post(en("applications:submit", draft.pk)).status_code == 404
    assert client.post(en("applications:withdraw", draft.pk)).status_code == 404
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT and draft.version == 1


def test_a_team_member_reads_but_may_not_change_or_submit(
    client, applicant, other_applicant, draft
):
    joined_member(draft, other_applicant, is_lead=True)  # invited, and accepted
    client.force_login(other_applicant)

    page = client.get(en("applications:edit", draft.pk))
    assert page.status_code == 200
    assert 'id="draft-form"' not in page.content.decode()

    response = client.post(en("applications:submit", draft.pk), follow=True)
    assert "Only the lead applicant can submit." in response.content.decode()
    client.post(en("applications:edit", draft.pk), draft_data(1))
    client.post(en("applications:withdraw", draft.pk))
    draft.refresh_from_db()
    assert draft.state == ApplicationState.DRAFT and draft.version == 1


def test_a_call_that_funds_nothing_asks_for_no_budget(client, applicant):
    call = CallFactory(envelope=Decimal("0"), max_amount=Decimal("0"), questions=QUESTIONS)
    application = ApplicationFactory(call=call, lead=applicant)
    client.force_login(applicant)
    data = {k: v for k, v in draft_data(1, team=TEAM).items() if not k.startswith("budget-")}

    response = client.post(
        en("applications:edit", application.pk), data, headers={"X-Requested-With": "fetch"}
    )

    assert response.json()["warning"] == ""
    page = client.get(en("applications:edit", application.pk)).content.decode()
    assert 'id="budget"' not in page
