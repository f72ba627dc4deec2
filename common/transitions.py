"""The one way a workflow state changes (STYLE.md, habit 2).

Each model with a workflow states its allowed moves in a small table beside its services, a
plain dict that one can grep and read:

    APPLICATION = Workflow(
        states=ApplicationState,
        initial={ApplicationState.DRAFT},
        moves={
            "withdraw": Move(
                {State.DRAFT, State.SUBMITTED}, State.WITHDRAWN,
                rule="applications.withdraw_application",
                refused=gettext_lazy("An application that is %(state)s cannot be withdrawn."),
            ),
            ...
        },
        error=ApplicationError,
        record=record_move,
    )

and `perform(obj, action, actor, APPLICATION)` makes one move, always in the same order, in one
transaction: lock the row and read its state again, check that the table allows the move from
that state, ask the rule (who and when) that views read too, save the state and the fields the
move changes with update_fields, write the audit row, queue the notifications. A refusal raises
the workflow's error with a message for the person and leaves nothing behind. No metaclass, no
generated methods: the services that name an action (submit_application, accept_assignment...)
are thin functions over perform, and stay the ones that views call.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from common.errors import Refused


class MoveRefused(Refused):
    """A move that a table or its rule does not allow; the error of a workflow that names none."""


@dataclass(frozen=True)
class Move:
    """From any of `sources`, the action leads to `target`, when `rule` (a django-rules
    permission: who, and when) allows the actor. Without a rule, the service that performs the
    move asks its own first. `refused` says why the move is impossible from the current state,
    named by %(state)s."""

    sources: frozenset
    target: str
    rule: str | None = None
    refused: str = ""

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


@dataclass(frozen=True)
class Workflow:
    """The moves of one model: {action: Move}, with what every move shares.

    states: the model's TextChoices; initial: the states its rows are created in.
    record(obj, actor, action, previous, target, reason): writes the audit row of one move;
    record_many(rows, actor, action, target, reason), rows of (pk, previous): several at once.
    changes(): fields every move sets besides the state ({"updated_at": now, ...}).
    rule_object(obj): what the rules are asked about (a review's rules read its assignment).
    """

    states: type
    initial: frozenset
    moves: dict
    record: Callable
    error: type = MoveRefused
    record_many: Callable | None = None
    changes: Callable = dict
    rule_object: Callable = lambda obj: obj
    field: str = "state"

    def reachable(self):
        """The states a row can be in: those it is created in, and those a move leads to."""
        return set(self.initial) | {move.target for move in self.moves.values()}


def refusal(obj, action, actor, workflow, why_not=None):
    """Why `actor` may not make the move `action` on `obj` now, as an error; None if they may.

    `why_not(obj, actor)`, when given, words the refusal for this service: a message, raised as
    the workflow's error, or an error of its own (a Refused)."""
    move = workflow.moves[action]
    state = getattr(obj, workflow.field)
    allowed = state in move.sources and (
        not move.rule
        or (actor is not None and actor.has_perm(move.rule, workflow.rule_object(obj)))
    )
    if allowed:
        return None
    message = why_not(obj, actor) if why_not else None
    if isinstance(message, Exception):
        return message
    if message is None:
        label = str(workflow.states(state).label).lower()
        message = move.refused % {"state": label}
    return workflow.error(message)


def check(obj, action, actor, workflow, why_not=None):
    """Raise the refusal of the move, if any: for a service that checks before it prepares what
    the move needs (a submission's snapshot), and then performs it."""
    error = refusal(obj, action, actor, workflow, why_not)
    if error is not None:
        raise error


def perform(
    obj, action, actor, workflow, *, reason="", changes=None, why_not=None, notify=None, error=None
):
    """Make the move `action` on `obj` for `actor`; returns `obj`, moved.

    In one transaction: lock the row and read its state again; refuse (the workflow's error, or
    `error` when the caller speaks another) unless the table allows the move from that state and
    its rule allows `actor`; set the target state, the workflow's changes and `changes`, and save
    only those fields; write the audit row with `reason`; call `notify(obj)`, which queues the
    messages in the same transaction (they leave when it commits).
    """
    move = workflow.moves[action]
    with transaction.atomic():
        setattr(obj, workflow.field, _locked_state(obj, workflow.field))
        refused = refusal(obj, action, actor, workflow, why_not)
        if refused is not None:
            raise error(str(refused)) if error else refused
        previous = getattr(obj, workflow.field)
        values = {workflow.field: move.target, **workflow.changes(), **(changes or {})}
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(values))
        computed = [name for name, value in values.items() if hasattr(value, "resolve_expression")]
        if computed:
            obj.refresh_from_db(fields=computed)
        workflow.record(obj, actor, action, previous, move.target, reason)
        if notify:
            notify(obj)
    return obj


def perform_many(model, pks, action, actor, workflow, *, reason=""):
    """perform() for many rows at once: those among `pks` in a source state of the move are
    locked and moved, with one audit row each, in a fixed number of queries. A batch moves what
    can move: rows in another state stay as they are. Returns the primary keys moved."""
    move = workflow.moves[action]
    with transaction.atomic():
        objects = list(
            model._default_manager.select_for_update()
            .filter(pk__in=pks, **{f"{workflow.field}__in": move.sources})
            .only("pk", workflow.field)  # what a rule reads beyond them is read when it asks
        )
        for obj in objects:
            check(obj, action, actor, workflow)
        rows = [(obj.pk, getattr(obj, workflow.field)) for obj in objects]
        moved = [pk for pk, _state in rows]
        model._default_manager.filter(pk__in=moved).update(
            **{workflow.field: move.target, **workflow.changes()}
        )
        workflow.record_many(rows, actor, action, move.target, reason)
    return moved


def _locked_state(obj, name):
    """The row's state as it is now, the row locked until the transaction ends: two requests at
    once cannot both make a move from the same state."""
    return (
        type(obj)
        ._default_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list(name, flat=True)
        .get()
    )
