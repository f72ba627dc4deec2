"""What happens to a funded project: it comes to exist, staff set its carrier, and it moves
through its states, each move through common.transitions.perform and the PROJECT table.

A project comes to exist when the funding letter is sent (decisions.letters sends
`funding_letter_sent` in the letter's transaction): that is when the network's practice starts
the agreement, and until then the decision may still change without leaving a project behind.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import audit
from applications.models import AuditSubject
from common.errors import Refused
from common.permissions import require
from common.transitions import Move, Workflow, perform
from decisions.models import Decision, Outcome

from .models import Project, Signature
from .models import ProjectState as State
from .reports import plan_reports


class ProjectError(Refused):
    """A change to a project that its state, its decision or the person does not allow."""


def record_move(project, actor, action, previous, target, reason):
    """A project's move, in its application's audit trail."""
    return audit.record(
        project.decision.application_id,
        actor,
        AuditSubject.PROJECT,
        action,
        previous,
        target,
        reason,
    )


FORWARD = "projects.move_forward"
STOP = "projects.stop"

# action: the states it may start from, the state it leads to, the rule that says who and when.
PROJECT = Workflow(
    states=State,
    initial={State.AGREEMENT_PREPARATION},
    moves={
        "sign_agreement": Move(
            {State.AGREEMENT_PREPARATION},
            State.AGREEMENT_SIGNED,
            FORWARD,
            gettext_lazy("The agreement of a project that is %(state)s cannot be signed."),
        ),
        "start": Move(
            {State.AGREEMENT_SIGNED},
            State.RUNNING,
            FORWARD,
            gettext_lazy("A project that is %(state)s cannot start."),
        ),
        "suspend": Move(
            {State.RUNNING},
            State.SUSPENDED,
            STOP,
            gettext_lazy("A project that is %(state)s cannot be suspended."),
        ),
        "resume": Move(
            {State.SUSPENDED},
            State.RUNNING,
            FORWARD,
            gettext_lazy("A project that is %(state)s cannot resume."),
        ),
        "terminate": Move(
            {State.AGREEMENT_PREPARATION, State.AGREEMENT_SIGNED, State.RUNNING, State.SUSPENDED},
            State.TERMINATED,
            STOP,
            gettext_lazy("A project that is %(state)s cannot be terminated."),
        ),
        "begin_closing": Move(
            {State.RUNNING},
            State.CLOSING,
            FORWARD,
            gettext_lazy("A project that is %(state)s cannot begin closing."),
        ),
        "close": Move(
            {State.CLOSING},
            State.CLOSED,
            FORWARD,
            gettext_lazy("A project that is %(state)s cannot be closed."),
        ),
    },
    error=ProjectError,
    record=record_move,
    changes=lambda: {"updated_at": timezone.now()},
)


def for_rules(project):
    """The project with what its rules read (decision, application), in one query."""
    return Project.objects.select_related("decision__application").get(pk=project.pk)


# Creation


def create_project(decision, actor=None):
    """The project of a funded decision: made once, found again after (idempotent). Refused for
    a decision that is not funded: a project never exists without one."""
    if decision.outcome != Outcome.FUNDED:
        raise ProjectError(_("Only a funded decision becomes a project."))
    existing = Project.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            project = Project.objects.create(
                decision=decision, amount_granted=decision.amount_granted
            )
            audit.record(
                decision.application_id,
                actor,
                AuditSubject.PROJECT,
                "create",
                to_state=project.state,
            )
            plan_reports(project)
    except IntegrityError:  # made at the same moment by another request
        return Project.objects.get(decision=decision)
    return project


def on_funding_letter(sender, decision, actor=None, **kwargs):
    """decisions.letters.funding_letter_sent: the lead is told, the project begins."""
    create_project(decision, actor)


def create_missing_projects(actor=None):
    """The projects of the funded decisions whose funding letter was sent before projects
    existed; returns those made."""
    told = Decision.objects.filter(outcome=Outcome.FUNDED, letters__outcome=Outcome.FUNDED)
    missing = told.filter(project__isnull=True).distinct().order_by("pk")
    return [create_project(decision, actor) for decision in missing]


# Facts that are not states


def set_carrier(project, actor, *, carrier, finance_contact_name, finance_contact_email):
    """The administrative carrier and its finance contact, as staff set them. The carrier is
    the agreement's other party: once a version is signed by a party, or the project is past
    preparing its agreement, it changes only through a carrier-change amendment (the finance
    contact stays editable)."""
    given = project
    with transaction.atomic():
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("decision__application")
            .get(pk=project.pk)
        )
        require(
            actor,
            "projects.set_carrier",
            project,
            ProjectError,
            _("Only programme staff can set the carrier of a funded project that is not ended."),
        )
        changed = getattr(carrier, "pk", None) != project.carrier_id
        if changed and carrier_is_fixed(project):
            raise ProjectError(
                problems={
                    "carrier": [
                        _(
                            "The agreement is signed or being signed: the carrier now changes "
                            "only through a carrier-change amendment."
                        )
                    ]
                }
            )
        project.carrier = carrier
        project.finance_contact_name = finance_contact_name
        project.finance_contact_email = finance_contact_email
        project.save(
            update_fields=[
                "carrier",
                "finance_contact_name",
                "finance_contact_email",
                "updated_at",
            ]
        )
        audit.record(
            project.decision.application_id,
            actor,
            AuditSubject.PROJECT,
            "set_carrier",
            reason=str(carrier or ""),
        )
    # The caller's copy as saved, as before the row was locked here.
    given.carrier = carrier
    given.finance_contact_name = finance_contact_name
    given.finance_contact_email = finance_contact_email
    return project


def carrier_is_fixed(project):
    """Whether the carrier, once set, no longer changes directly: the project is past preparing
    its agreement, or a version of it is signed by a party. `has_signature`, when the project
    was read with it (projects.views), spares the query."""
    if project.carrier_id is None:
        return False
    if project.state != State.AGREEMENT_PREPARATION:
        return True
    signed = getattr(project, "has_signature", None)
    if signed is None:
        signed = Signature.objects.filter(version__project=project).exists()
    return signed


# Moves


def sign_agreement(project, actor, *, signed_on, start_date, duration_months, reason=""):
    """The agreement signed on `signed_on`; the project runs `duration_months` from
    `start_date`. projects.agreements calls it once both parties signed the agreement, with the
    dates the signed version states (from the signature when the call says so)."""
    if start_date < signed_on:
        raise ProjectError(_("A project cannot start before its agreement is signed."))
    return plan_reports(
        perform(
            for_rules(project),
            "sign_agreement",
            actor,
            PROJECT,
            reason=reason,
            changes={
                "signed_on": signed_on,
                "start_date": start_date,
                "duration_months": duration_months,
            },
        )
    )


def start_project(project, actor):
    return perform(for_rules(project), "start", actor, PROJECT)


def suspend_project(project, actor, reason):
    return _with_reason(project, "suspend", actor, reason)


def resume_project(project, actor, reason):
    return perform(
        for_rules(project),
        "resume",
        actor,
        PROJECT,
        reason=_given(reason),
        changes={"state_reason": ""},
    )


def terminate_project(project, actor, reason):
    return _with_reason(project, "terminate", actor, reason)


def begin_closing(project, actor):
    return perform(for_rules(project), "begin_closing", actor, PROJECT)


# Closing ("close") is projects.closure's: what must come first, and the money that returns.


def _with_reason(project, action, actor, reason):
    reason = _given(reason)
    return perform(
        for_rules(project),
        action,
        actor,
        PROJECT,
        reason=reason,
        changes={"state_reason": reason},
    )


def _given(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ProjectError(_("Give the reason."))
    return reason
