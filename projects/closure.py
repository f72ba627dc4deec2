"""Closing a funded project: staff close it once its final reports are accepted and the kinds
of deliverable its call requires are declared, or with a reason despite what is missing; what
was granted and not paid returns to the envelopes.

Choices made here:
- The move is the PROJECT table's "close" (projects.services), from "closing", by staff while
  the decision is funded: this module only says what must come first and what follows.
- The final reports are those of the kinds projects.reports marks final; a report the project
  does not owe is not missing.
- The money: once closed, nothing more is paid, so the grant is lowered to what was paid
  (decisions.services.lower_grant, as a give-back does). The call's and the programme's
  envelopes then have the rest again, and the decisions page proposes the first reserve
  application that fits. The unpaid instalments are lowered with it.
- A project on which nothing was paid is not closed: its whole grant would return, which is a
  withdrawal of the funding (or, once the project failed, its termination), not a closure.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import CallRequiredDeliverable, DeliverableKind
from common.transitions import check, perform
from decisions.services import DecisionError, lower_grant

from .amendments import AmendmentError, lower_schedule
from .models import Deliverable, ProjectReport, ReportState
from .payments import locked, paid_on_project
from .reports import final_kinds
from .services import PROJECT, ProjectError


def closure_problems(project):
    """What is missing before `project` can be closed, in words, in a fixed number of queries:
    its final reports not accepted yet, then the kinds of deliverable its call requires that
    it has not declared."""
    problems = []
    reports = (
        ProjectReport.objects.filter(project=project, kind__in=final_kinds())
        .exclude(state=ReportState.ACCEPTED)
        .order_by("due_on", "pk")
    )
    for report in reports:
        problems.append(
            _("“%(report)s” is not accepted yet (%(state)s).")
            % {"report": report.title, "state": report.get_state_display().lower()}
        )
    declared = set(
        Deliverable.objects.filter(project=project).values_list("kind", flat=True).distinct()
    )
    required = CallRequiredDeliverable.objects.filter(
        call_id=project.decision.application.call_id
    ).order_by("sort_order", "pk")
    for requirement in required:
        if requirement.kind not in declared:
            problems.append(
                _("No deliverable of the kind “%(kind)s” is declared; the call requires one.")
                % {"kind": DeliverableKind(requirement.kind).label}
            )
    return problems


def close_project(project, actor, override_reason=""):
    """Close `project` (from "closing"): refused with what is missing unless `override_reason`
    says why it closes anyway (kept in the audit row, with what was missing); the grant is
    lowered to what was paid, in the same transaction."""
    reason = (override_reason or "").strip()
    with transaction.atomic():
        project = locked(project)
        check(project, "close", actor, PROJECT)
        missing = closure_problems(project)
        if missing and not reason:
            raise ProjectError(
                problems={
                    "override_reason": [
                        _("Something is missing: give the reason for closing the project anyway.")
                    ]
                }
            )
        _return_the_rest(project, actor)
        if missing:
            reason = _("%(reason)s (closed without: %(missing)s)") % {
                "reason": reason,
                "missing": " ".join(missing),
            }
        return perform(project, "close", actor, PROJECT, reason=reason)


def _return_the_rest(project, actor):
    """The grant lowered to what was paid on `project` (locked): the rest returns to the
    envelopes; the schedule follows."""
    paid = paid_on_project(project)
    if paid <= 0:
        raise ProjectError(
            _(
                "Nothing was paid on this project: closing it would give back its whole grant, "
                "which is a withdrawal of its funding. Terminate the project instead, or record "
                "its payments first."
            )
        )
    rest = project.amount_granted - paid
    if rest <= 0:
        return
    try:
        decision = lower_grant(
            project.decision.application,
            actor,
            rest,
            _("Project closed: what was not paid returns to the envelopes."),
        )
        project.amount_granted = decision.amount_granted
        project.save(update_fields=["amount_granted", "updated_at"])
        lower_schedule(project, rest, actor)
    except (DecisionError, AmendmentError) as error:
        raise ProjectError(str(error)) from None
