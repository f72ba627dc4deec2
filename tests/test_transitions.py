"""One transition mechanism (common.transitions): every workflow state moves through perform(),
along a table per model, and nowhere else."""

import ast
import importlib
import os
import re
from pathlib import Path

import pytest
from django.utils import translation

from applications.models import Application, ApplicationEvent, ApplicationState
from applications.services import APPLICATION, reopen_application, withdraw_application
from common.errors import Refused
from common.transitions import Workflow, perform, perform_many
from notifications.models import Message
from reviews.assignments import ASSIGNMENT
from reviews.models import AssignmentState

from .factories import ApplicationFactory, AssignmentFactory, CallFactory, in_review_application

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
# Kept out of the search: tests and migrations may write a state to set a scene (the demo does
# not: it goes through the services).
NOT_SEARCHED = {"tests", "migrations", "node_modules", "static", "locale"}
# States that are no workflow: an outbox's delivery attempts and a report's build job, moved by
# their workers with no rule to ask and no audit trail to write.
BOOKKEEPING = {"notifications/delivery.py", "reports/governance/jobs.py"}


def submitted(**kwargs):
    application = ApplicationFactory(call=CallFactory(), complete=True, **kwargs)
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED)
    application.refresh_from_db()
    return application


def trail(application):
    return list(ApplicationEvent.objects.filter(application=application))


def source_files():
    """The project's own Python files, outside NOT_SEARCHED."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [
            name for name in subfolders if name not in NOT_SEARCHED and not name.startswith(".")
        ]
        for name in files:
            if name.endswith(".py"):
                yield (Path(folder) / name).relative_to(ROOT)


# Refused moves leave nothing behind


def test_a_move_the_table_does_not_allow_is_refused_and_leaves_nothing(
    programme_manager, mailoutbox, django_capture_on_commit_callbacks
):
    draft = ApplicationFactory(complete=True)
    before = (draft.state, draft.version, trail(draft))

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        translation.override("en"),
        pytest.raises(Refused) as refused,
    ):
        reopen_application(draft, programme_manager, reason="Pièce manquante")

    assert str(refused.value) == "An application that is draft cannot be reopened."
    draft.refresh_from_db()
    assert (draft.state, draft.version, trail(draft)) == before
    assert not Message.objects.exists()
    assert callbacks == [] and mailoutbox == []


def test_a_move_that_no_table_names_is_a_mistake_in_the_code(programme_manager):
    with pytest.raises(KeyError):
        perform(submitted(), "publish", programme_manager, APPLICATION)


def test_a_move_the_table_allows_but_its_rule_refuses_is_refused(other_applicant, mailoutbox):
    application = submitted()

    with translation.override("en"), pytest.raises(Refused) as refused:
        withdraw_application(application, other_applicant)
    with translation.override("en"), pytest.raises(Refused) as by_the_table_alone:
        # The applicant may not reopen: only staff, who send it back to draft.
        perform(application, "reopen", application.lead, APPLICATION, reason="Je corrige")

    assert str(refused.value) == "Only the lead applicant can withdraw."
    assert str(by_the_table_alone.value) == "An application that is submitted cannot be reopened."
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert trail(application) == [] and mailoutbox == []


def test_the_rule_is_asked_about_the_state_of_the_locked_row_not_of_a_stale_copy(
    programme_manager,
):
    application = submitted()
    stale = Application.objects.get(pk=application.pk)
    withdraw_application(application, application.lead)

    with pytest.raises(Refused):
        perform(stale, "reopen", programme_manager, APPLICATION, reason="Trop tard")

    assert stale.state == ApplicationState.WITHDRAWN
    assert [event.action for event in trail(application)] == ["withdraw"]


def test_an_allowed_move_saves_its_fields_only_writes_one_row_and_tells_after_commit(
    programme_manager, mailoutbox, django_capture_on_commit_callbacks
):
    application = submitted()
    version = application.version
    application.title = "Changed in memory only"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moved = reopen_application(application, programme_manager, reason="Pièce manquante")
        assert Message.objects.filter(user=application.lead).count() == 1
        assert mailoutbox == [], "nothing leaves before the transaction commits"
    for callback in callbacks:
        callback()

    saved = Application.objects.get(pk=application.pk)
    assert (saved.state, saved.submitted_at, saved.version) == (
        ApplicationState.DRAFT,
        None,
        version + 1,
    )
    assert moved.version == saved.version, "the version the view reloads with is the saved one"
    assert saved.title != "Changed in memory only", "only the move's fields are saved"
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in trail(application)] == [
        ("reopen", "submitted", "draft", programme_manager)
    ]
    assert [message.to for message in mailoutbox] == [[application.lead.email]]


def test_a_batch_moves_what_can_move_with_one_row_each(programme_manager):
    eligible = in_review_application()
    already = in_review_application()
    Application.objects.filter(pk=already.pk).update(state=ApplicationState.IN_REVIEW)

    moved = perform_many(
        Application, [eligible.pk, already.pk], "start_review", programme_manager, APPLICATION
    )

    assert moved == [eligible.pk]
    assert [(e.action, e.to_state) for e in trail(eligible)] == [("start_review", "in_review")]
    assert trail(already) == []


def test_a_batch_is_refused_whole_when_the_rule_refuses_the_actor(reviewer):
    eligible = in_review_application()

    with pytest.raises(Refused):
        perform_many(Application, [eligible.pk], "start_review", reviewer, APPLICATION)

    eligible.refresh_from_db()
    assert eligible.state == ApplicationState.ELIGIBLE and trail(eligible) == []


def test_a_reviewer_cannot_cancel_their_assignment_staff_can(programme_manager):
    assignment = AssignmentFactory()

    with pytest.raises(Refused):
        perform(assignment, "cancel", assignment.reviewer, ASSIGNMENT)
    perform(assignment, "cancel", programme_manager, ASSIGNMENT, reason="Remplacé")

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CANCELLED
    [row] = trail(assignment.application)
    assert (row.action, row.from_state, row.to_state) == ("cancel", "pending", "cancelled")
    assert assignment.reviewer.email in row.reason and row.reason.endswith(": Remplacé")


# The tables


def workflows():
    """Every table in the code: each `NAME = Workflow(` at the top of a module."""
    found = {}
    for relative in source_files():
        tree = ast.parse((ROOT / relative).read_text())
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "Workflow"
            ):
                module = importlib.import_module(".".join(relative.with_suffix("").parts))
                name = node.targets[0].id
                found[f"{module.__name__}.{name}"] = getattr(module, name)
    return found


def test_the_tables_are_found_where_the_services_are():
    assert {"applications.services.APPLICATION", "reviews.assignments.ASSIGNMENT"} <= set(
        workflows()
    )
    assert {"reviews.reviewing.REVIEW", "reviews.claims.CLAIM"} <= set(workflows())


@pytest.mark.parametrize("name", sorted(workflows()))
def test_every_state_of_a_table_is_reachable_and_every_move_names_states(name):
    workflow = workflows()[name]
    assert isinstance(workflow, Workflow)
    states = set(workflow.states.values)
    assert workflow.reachable() == states, f"{name}: unreachable {states - workflow.reachable()}"
    for action, move in workflow.moves.items():
        assert move.sources and move.sources <= states and move.target in states, action
        assert move.target not in move.sources, f"{name}.{action} moves nowhere"
        assert str(move.refused), f"{name}.{action} cannot say why it is refused"


def test_no_state_is_written_outside_the_transition_function():
    writes = re.compile(r"\.state\s*=(?!=)|\.update\([^)]*\bstate\s*=")
    found = [
        f"{relative}:{number}: {line.strip()}"
        for relative in source_files()
        if str(relative) != "common/transitions.py" and str(relative) not in BOOKKEEPING
        for number, line in enumerate((ROOT / relative).read_text().splitlines(), 1)
        if writes.search(line)
    ]
    assert found == []
