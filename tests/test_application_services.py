"""The rules of an application, through the services that every view and command uses."""

import datetime as dt
from decimal import Decimal

import pytest

from applications.models import ApplicationEvent, ApplicationState, Submission
from applications.services import (
    AlreadyApplied,
    ApplicationError,
    StaleDraft,
    SubmissionRefused,
    reopen_application,
    save_draft,
    start_application,
    submit_application,
    withdraw_application,
)
from applications.snapshot import fingerprint

from .factories import ApplicationFactory, BudgetLineFactory, CallFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)

QUESTIONS = [
    (
        "long_text",
        {"label": "Résumé", "label_en": "", "help_text": "", "required": True, "max_words": 5},
    ),
    (
        "choice",
        {
            "label": "Corpus",
            "label_en": "",
            "help_text": "",
            "required": True,
            "choices": ["Imprimés", "Archives"],
            "multiple": False,
        },
    ),
    (
        "number",
        {
            "label": "Pages",
            "label_en": "",
            "help_text": "",
            "required": False,
            "min_value": Decimal("1"),
            "max_value": Decimal("1000"),
        },
    ),
]


def call_with_questions(**kwargs):
    call = CallFactory(**kwargs)
    call.questions = QUESTIONS
    call.save()
    return call


def question_ids(call):
    return [block.id for block in call.questions]


def complete(call, **kwargs):
    summary, corpus, _pages = question_ids(call)
    application = ApplicationFactory(call=call, complete=True, **kwargs)
    application.answers = {summary: "Numériser un fonds rare", corpus: "Archives"}
    application.save()
    return application


def test_submission_one_second_before_the_deadline_is_on_time():
    call = call_with_questions(requires_co_construction=True)
    application = complete(call)

    submission = submit_application(application, application.lead, now=call.closes_at - SECOND)

    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at == call.closes_at - SECOND
    assert submission.received_at == call.closes_at - SECOND
    assert submission.fingerprint == fingerprint(submission.content)


@pytest.mark.parametrize("late", [dt.timedelta(0), SECOND])
def test_submission_at_or_after_the_deadline_is_refused_and_the_draft_kept(late):
    call = call_with_questions()
    application = complete(call)

    with pytest.raises(SubmissionRefused) as refused:
        submit_application(application, application.lead, now=call.closes_at + late)

    assert "date limite" in refused.value.problems["__all__"][0]
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.title
    assert not Submission.objects.exists()


def test_every_problem_is_reported_at_once_next_to_its_field():
    call = call_with_questions(requires_co_construction=True, max_amount=Decimal("20000"))
    summary, corpus, pages = question_ids(call)
    application = ApplicationFactory(call=call, title="")
    TeamMemberFactory(application=application, role="researcher", is_lead=True)
    BudgetLineFactory(application=application, amount_requested=Decimal("25000.00"))
    application.answers = {summary: "un deux trois quatre cinq six", corpus: "Autre", pages: "0"}
    application.save()

    with pytest.raises(SubmissionRefused) as refused:
        submit_application(application, application.lead)

    problems = refused.value.problems
    assert set(problems) == {
        "title",
        f"answers.{summary}",
        f"answers.{corpus}",
        f"answers.{pages}",
        "team",
        "budget",
    }
    assert "6" in problems[f"answers.{summary}"][0]  # "at most 5 words (this answer has 6)"
    assert "co-construction" in problems["team"][0]
    assert "25" in problems["budget"][0] and "20" in problems["budget"][0]


@pytest.mark.parametrize(
    ("roles", "accepted"),
    [
        (["researcher", "researcher"], False),
        (["documentation_professional", "archivist"], False),
        (["researcher", "documentation_professional"], True),
        (["researcher", "archivist"], True),
    ],
)
def test_co_construction_needs_a_researcher_and_a_documentation_professional(roles, accepted):
    call = call_with_questions(requires_co_construction=True)
    application = complete(call)
    application.team.all().delete()
    for position, role in enumerate(roles):
        TeamMemberFactory(application=application, role=role, is_lead=position == 0)

    if accepted:
        submit_application(application, application.lead)
    else:
        with pytest.raises(SubmissionRefused) as refused:
            submit_application(application, application.lead)
        assert list(refused.value.problems) == ["team"]


def test_a_budget_over_the_maximum_is_refused():
    call = call_with_questions(max_amount=Decimal("15000.00"))
    application = complete(call)
    BudgetLineFactory(application=application, amount_requested=Decimal("5000.01"))

    with pytest.raises(SubmissionRefused) as refused:
        submit_application(application, application.lead)
    assert list(refused.value.problems) == ["budget"]


def test_a_double_submit_keeps_one_snapshot():
    application = complete(call_with_questions())
    submit_application(application, application.lead)

    with pytest.raises(ApplicationError, match="déjà été déposée"):
        submit_application(application, application.lead)
    assert Submission.objects.filter(application=application).count() == 1


def test_two_saves_from_stale_copies_never_overwrite_each_other():
    application = ApplicationFactory(title="Version initiale")
    loaded = application.version  # both tabs load the same version

    new_version = save_draft(
        application, loaded, actor=application.lead, title="Onglet A", answers={"x": "A"}
    )
    with pytest.raises(StaleDraft):
        save_draft(
            application, loaded, actor=application.lead, title="Onglet B", answers={"x": "B"}
        )

    application.refresh_from_db()
    assert (application.title, application.answers, application.version) == (
        "Onglet A",
        {"x": "A"},
        new_version,
    )


def test_the_snapshot_does_not_change_when_the_draft_changes_later(programme_manager):
    application = complete(call_with_questions())
    submission = submit_application(application, application.lead)
    frozen, frozen_fingerprint = submission.content, submission.fingerprint

    reopen_application(application, programme_manager, reason="Budget à préciser")
    application.refresh_from_db()
    save_draft(
        application, application.version, actor=application.lead, title="Nouveau titre", answers={}
    )
    application.team.update(name="Quelqu'un d'autre")
    application.budget_lines.update(amount_requested=Decimal("1.00"))

    submission.refresh_from_db()
    assert submission.content == frozen
    assert submission.fingerprint == frozen_fingerprint == fingerprint(submission.content)
    assert submission.content["title"] != "Nouveau titre"
    assert submission.content["budget"]["total_requested"] == "10000.00"


def test_reopen_needs_a_reason_and_is_recorded(programme_manager):
    application = complete(call_with_questions())
    submit_application(application, application.lead)

    with pytest.raises(ApplicationError):
        reopen_application(application, programme_manager, reason="  ")
    reopen_application(application, programme_manager, reason="Pièce manquante")

    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.submitted_at is None
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.from_state, event.to_state, event.reason, event.actor) == (
        "reopen",
        "submitted",
        "draft",
        "Pièce manquante",
        programme_manager,
    )


def test_withdrawal_until_the_call_closes():
    call = call_with_questions()
    on_time, late = complete(call), complete(call)
    submit_application(on_time, on_time.lead)
    submit_application(late, late.lead)

    withdraw_application(on_time, on_time.lead, now=call.closes_at - SECOND)
    with pytest.raises(ApplicationError):
        withdraw_application(late, late.lead, now=call.closes_at + SECOND)

    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.state == ApplicationState.WITHDRAWN
    assert late.state == ApplicationState.SUBMITTED


def test_one_application_per_lead_per_call_unless_the_call_allows_more(applicant):
    call = CallFactory()
    first = start_application(applicant, call)
    with pytest.raises(AlreadyApplied) as already:
        start_application(applicant, call)
    assert already.value.application == first

    call.allows_multiple_applications = True
    call.save()
    assert start_application(applicant, call) != first


def test_no_application_on_a_closed_or_unpublished_call(applicant):
    for call in (CallFactory(closed=True), CallFactory(upcoming=True), CallFactory(draft=True)):
        with pytest.raises(ApplicationError):
            start_application(applicant, call)


def test_the_lead_starts_as_the_first_team_member(applicant):
    application = start_application(applicant, CallFactory())
    member = application.team.get()
    assert (member.email, member.is_lead) == (applicant.email, True)
    assert application.events.get().action == "start"


def test_every_transition_writes_the_audit_trail():
    application = complete(call_with_questions())
    submit_application(application, application.lead)
    withdraw_application(application, application.lead)
    assert list(application.events.values_list("action", "from_state", "to_state")) == [
        ("submit", "draft", "submitted"),
        ("withdraw", "submitted", "withdrawn"),
    ]
