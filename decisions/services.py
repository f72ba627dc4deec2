"""Everything that changes a decision: the scientific council's proposal, the deciding body's
decision, a batch of either, a withdrawal of funding and the promotion from the reserve list.

Each function locks the call (so that two decisions on one call see each other's money), then
the application; checks the rules; saves; writes the audit rows; all in one transaction. A
decision that would take a call, or its programme's year, past its envelope is refused unless an
override reason is given, and that reason is recorded.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import records_decisions
from applications import audit
from applications.models import ApplicationState, AuditSubject
from applications.services import APPLICATION, locked
from calls.models import Call
from common.errors import Refused
from common.formats import euros
from common.permissions import require
from common.transitions import perform
from labels.services import LabelError, label_collection

from .budget import ZERO, call_budget, call_year, closing_year, funded_decisions, requested_amounts
from .letters import announce_label_of
from .models import Body, Decision, Envelope, Outcome, proposable

DECIDE = "decisions.decide"  # the rule of decisions.rules: who records decisions

# Applications a proposal or decision may concern.


class DecisionError(Refused):
    """A refused decision, with a message for the user."""


class EnvelopeExceeded(DecisionError):
    """The decision would take an envelope past its amount; `excesses` say which and by how much."""

    def __init__(self, excesses):
        self.excesses = excesses
        super().__init__(
            " ".join(
                _("%(envelope)s: %(total)s would be granted out of %(amount)s (%(excess)s over).")
                % {
                    "envelope": excess.label,
                    "total": euros(excess.total),
                    "amount": euros(excess.amount),
                    "excess": euros(excess.total - excess.amount),
                }
                for excess in excesses
            )
            + " "
            + _("Give a reason to exceed the envelope, or grant less.")
        )


@dataclass(frozen=True)
class Excess:
    label: str
    amount: Decimal
    total: Decimal


# The proposal


def record_proposal(
    application, actor, *, outcome, amount=None, motivation="", meeting_date=None, now=None
):
    """The scientific council's proposal for one application."""
    with transaction.atomic():
        application = _locked(application, actor)
        decision = _decision_of(application)
        if decision.outcome:
            raise DecisionError(
                _("The deciding body has decided on %(reference)s: its proposal is kept as it was.")
                % {"reference": application.reference}
            )
        _check_outcome(application.call, outcome)
        amount = _checked_amount(application, outcome, amount, proposal=True)
        previous = decision.proposed_outcome
        decision.proposed_outcome = outcome
        decision.proposed_amount = amount
        decision.proposal_motivation = motivation.strip()
        decision.proposal_meeting_date = meeting_date
        decision.proposed_by = actor
        decision.proposed_at = now or timezone.now()
        decision.save()
        audit.record(
            application, actor, AuditSubject.DECISION, "propose", previous, outcome, motivation
        )
        return decision


# The decision


def record_decision(
    application,
    actor,
    *,
    outcome,
    meeting_date,
    body=Body.MEMBERS_COUNCIL,
    amount=None,
    conditions="",
    reserve_rank=None,
    motivation="",
    override_reason="",
    now=None,
):
    """The deciding body's decision on one application (a first decision, or a change: a
    reserve application funded, a grant lowered). Returns the Decision."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        return _decide(
            call,
            _locked(application, actor),
            actor,
            outcome=outcome,
            meeting_date=meeting_date,
            body=body,
            amount=amount,
            conditions=conditions,
            reserve_rank=reserve_rank,
            motivation=motivation,
            override_reason=override_reason,
            now=now,
        )


def _decide(call, application, actor, *, outcome, override_reason="", now=None, **fields):
    decision = _decision_of(application)
    _check_outcome(call, outcome)
    if decision.is_labelled and outcome != Outcome.LABELLED:
        raise DecisionError(
            _(
                "%(reference)s is labelled: a label, once granted, is part of the collection's "
                "history and this decision cannot be changed."
            )
            % {"reference": application.reference}
        )
    if not fields["meeting_date"]:
        raise DecisionError(_("Give the date of the meeting that decided."))
    if not fields["motivation"].strip():
        raise DecisionError(_("Give the motivation of the decision."))
    if fields["body"] not in Body.values:
        raise DecisionError(_("Choose the deciding body."))
    amount = _checked_amount(application, outcome, fields["amount"], proposal=False)
    override_reason = override_reason.strip()
    if outcome == Outcome.FUNDED:
        excesses = _excesses(call, decision, amount)
        if excesses and not override_reason:
            raise EnvelopeExceeded(excesses)
    else:
        excesses = []
    previous = decision.outcome
    if outcome == Outcome.LABELLED:
        _label(call, application, decision, fields["meeting_date"], actor)
    if outcome == Outcome.RESERVE:
        rank = fields["reserve_rank"] or _next_reserve_rank(call, decision)
    else:
        rank = None
    decision.outcome = outcome
    decision.amount_granted = amount if outcome == Outcome.FUNDED else None
    decision.reserve_rank = rank
    decision.conditions = fields["conditions"].strip() if outcome == Outcome.FUNDED else ""
    decision.motivation = fields["motivation"].strip()
    decision.meeting_date = fields["meeting_date"]
    decision.body = fields["body"]
    decision.decided_by = actor
    decision.decided_at = now or timezone.now()
    decision.override_reason = override_reason if excesses else ""
    decision.save()
    if application.state != ApplicationState.DECIDED:
        perform(
            application,
            "decide",
            actor,
            APPLICATION,
            reason=decision.motivation,
            error=DecisionError,
        )
    action = "decide" if not previous else "change_decision"
    audit.record(
        application, actor, AuditSubject.DECISION, action, previous, outcome, decision.motivation
    )
    if excesses:
        audit.record(
            application,
            actor,
            AuditSubject.DECISION,
            "override_envelope",
            previous,
            outcome,
            override_reason,
        )
    return decision


def record_batch(application_ids, actor, *, outcome, meeting_date, motivation, **fields):
    """One decision for several applications of one call (in the order given: the ranking's,
    which is also the reserve list's). All are recorded, or none: the first refusal names the
    application. Amounts: the proposed amount, else the amount requested."""
    with transaction.atomic():
        applications = _batch(application_ids)
        if not applications:
            return []
        call = Call.objects.select_for_update().get(pk=applications[0].call_id)
        requested = requested_amounts(call)
        decisions = []
        for application in applications:
            if application.call_id != call.pk:
                raise DecisionError(_("A batch decision concerns the applications of one call."))
            proposed = getattr(getattr(application, "decision", None), "proposed_amount", None)
            try:
                decisions.append(
                    _decide(
                        call,
                        _locked(application, actor),
                        actor,
                        outcome=outcome,
                        meeting_date=meeting_date,
                        motivation=motivation,
                        amount=proposed if proposed is not None else requested[application.pk],
                        reserve_rank=None,
                        conditions=fields.get("conditions", ""),
                        body=fields.get("body", Body.MEMBERS_COUNCIL),
                        override_reason=fields.get("override_reason", ""),
                    )
                )
            except EnvelopeExceeded:
                raise
            except DecisionError as error:
                raise DecisionError(f"{application.reference}: {error}") from error
        return decisions


def propose_batch(application_ids, actor, *, outcome, motivation="", meeting_date=None):
    """The scientific council's proposal for several applications; all or none."""
    with transaction.atomic():
        requested = {}
        proposals = []
        for application in _batch(application_ids):
            if application.call_id not in requested:  # one query per call, not per application
                requested[application.call_id] = requested_amounts(application.call)
            proposals.append(
                record_proposal(
                    application,
                    actor,
                    outcome=outcome,
                    amount=requested[application.call_id][application.pk]
                    if outcome == Outcome.FUNDED
                    else None,
                    motivation=motivation,
                    meeting_date=meeting_date,
                )
            )
        return proposals


def withdraw_funding(application, actor, reason):
    """A funded project gives its grant up: its money returns to the envelope (and the first
    reserve application that fits is proposed for promotion on the decisions page)."""
    if not reason.strip():
        raise DecisionError(_("Say why the funding is withdrawn."))
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=application.call_id)
        application = _locked(application, actor)
        decision = _decision_of(application)
        if decision.outcome != Outcome.FUNDED:
            raise DecisionError(_("Only a funded application can have its funding withdrawn."))
        if Decision.objects.filter(pk=decision.pk, project__payments__isnull=False).exists():
            # The money paid is spent: it cannot go back to the envelope.
            raise DecisionError(
                _(
                    "Money was already paid on this project: give back the unpaid remainder "
                    "through an amendment, or terminate the project."
                )
            )
        decision.outcome = Outcome.WITHDRAWN
        decision.save(update_fields=["outcome", "updated_at"])
        audit.record(
            application,
            actor,
            AuditSubject.DECISION,
            "withdraw_funding",
            Outcome.FUNDED,
            Outcome.WITHDRAWN,
            reason.strip(),
        )
        return decision


def lower_grant(application, actor, amount, reason):
    """A funded project gives back `amount` of its grant (an accepted amendment): the decision's
    amount granted is lowered by it, so the money returns to the call's and the programme's
    envelopes, and the decisions page proposes the first reserve application that fits. Giving
    everything back is a withdrawal of the funding (withdraw_funding), not this."""
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(_("Say why the grant is lowered."))
    require(
        actor,
        DECIDE,
        application,
        DecisionError,
        _("Only programme staff who record decisions can do this."),
    )
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=application.call_id)
        application = locked(application)
        decision = _decision_of(application)
        if decision.outcome != Outcome.FUNDED:
            raise DecisionError(_("Only a funded application can have its grant lowered."))
        amount = Decimal(amount)
        if not ZERO < amount < decision.amount_granted:
            raise DecisionError(
                _("The amount given back is more than 0 and less than the grant (%(granted)s).")
                % {"granted": euros(decision.amount_granted)}
            )
        previous = decision.amount_granted
        decision.amount_granted = previous - amount
        decision.save(update_fields=["amount_granted", "updated_at"])
        audit.record(
            application,
            actor,
            AuditSubject.DECISION,
            "lower_grant",
            reason=f"{euros(previous)} → {euros(decision.amount_granted)} — {reason}",
        )
        return decision


def set_publication_date(application, actor, publication_date):
    """The date from which a funded project, or a labelled collection, is public even if its
    letter is not sent yet (Decision.objects.announced(), labels.services.announce_label); None
    clears it, and the project waits for its letter. Only someone who records decisions may set
    it; the change is in the audit trail."""
    require(
        actor,
        DECIDE,
        application,
        DecisionError,
        _("Only programme staff who record decisions set a publication date."),
    )
    with transaction.atomic():
        application = locked(application)
        decision = Decision.objects.select_for_update().filter(application=application).first()
        application.decision = decision
        if publication_date is not None:  # clearing one is always allowed
            require(
                actor,
                "decisions.publish_project",
                application,
                DecisionError,
                _("Only a funded project or a labelled collection has a publication date."),
            )
        if decision is None:
            return None
        previous = decision.publication_date
        if previous == publication_date:
            return decision
        decision.publication_date = publication_date
        decision.save(update_fields=["publication_date", "updated_at"])
        if decision.is_labelled:
            announce_label_of(decision)
        audit.record(
            application,
            actor,
            AuditSubject.DECISION,
            "set_publication_date",
            previous.isoformat() if previous else "",
            publication_date.isoformat() if publication_date else "",
        )
        return decision


@dataclass(frozen=True)
class Promotion:
    decision: Decision
    amount: Decimal
    remaining: Decimal


def promotion_candidate(call):
    """The first application of the reserve list whose amount (proposed, else requested) fits
    what remains of the call's envelope (and of its programme's year); None if none fits."""
    remaining = call_budget(call).remaining
    envelope = _programme_envelope(call)
    if envelope is not None:
        remaining = min(remaining, envelope.amount - _programme_granted(call))
    if remaining <= 0:
        return None
    requested = requested_amounts(call)
    reserve = (
        Decision.objects.filter(application__call=call, outcome=Outcome.RESERVE)
        .select_related("application")
        .order_by("reserve_rank", "pk")
    )
    for decision in reserve:
        amount = decision.proposed_amount
        if amount is None or decision.proposed_outcome != Outcome.FUNDED:
            amount = requested.get(decision.application_id, ZERO)
        if amount <= remaining:
            return Promotion(decision=decision, amount=amount, remaining=remaining)
    return None


# Rules and helpers


def _check_outcome(call, outcome):
    """The outcome is one this call's applications may be proposed or decided."""
    if outcome in proposable(call):
        return
    if call.grants_labels:
        raise DecisionError(
            _(
                "A CollEx label call's applications are labelled or rejected: choose labelled "
                "or rejected."
            )
        )
    if outcome == Outcome.LABELLED:
        raise DecisionError(_("Only the applications of a CollEx label call can be labelled."))
    raise DecisionError(_("Choose funded, reserve list or rejected."))


def _label(call, application, decision, meeting_date, actor):
    """A "labelled" decision labels the application's collection through the registry (a
    renewal when the application is about a labelled collection), in the decision's
    transaction; the registry's refusal (an incomplete record) refuses the decision."""
    if decision.is_labelled and decision.meeting_date != meeting_date:
        raise DecisionError(
            _("The label was granted at the meeting of %(date)s: that date cannot change.")
            % {"date": date_format(decision.meeting_date, "j F Y")}
        )
    try:
        collection = label_collection(
            record=application.collection_record,
            lead=application.lead,
            reference=application.reference,
            decided_on=meeting_date,
            months=call.label_duration_months,
            call_title_fr=call.title_fr,
            call_title_en=call.title_en,
            collection=application.collection,
            base_record=application.collection_base_record,
            actor=actor,
        )
    except LabelError as error:
        raise DecisionError(str(error)) from error
    if application.collection_id != collection.pk:
        application.collection = collection
        application.save(update_fields=["collection"])


def _locked(application, actor):
    """The application, locked, if `actor` may decide on it now (decisions.decide_application)."""
    application = locked(application)
    require(
        actor,
        "decisions.decide_application",
        application,
        DecisionError,
        _("An application that is %(state)s cannot be decided on.")
        % {"state": application.get_state_display().lower()}
        if records_decisions(actor)
        else _("Only programme staff who record decisions can do this."),
    )
    return application


def _decision_of(application):
    decision, _created = Decision.objects.select_for_update().get_or_create(application=application)
    return decision


def _batch(application_ids):
    """The applications of `application_ids`, in that order, with their decisions."""
    from applications.models import Application

    found = Application.objects.select_related("call", "decision").in_bulk(application_ids)
    return [found[pk] for pk in application_ids if pk in found]


def _checked_amount(application, outcome, amount, *, proposal):
    """The amount of a funded proposal or decision: given, positive, at most the amount
    requested and the call's maximum. Other outcomes carry no amount."""
    if outcome != Outcome.FUNDED:
        return None
    if amount is None:
        if proposal:
            return None
        raise DecisionError(_("Give the amount granted."))
    amount = Decimal(amount)
    if amount <= 0:
        raise DecisionError(_("The amount granted must be more than zero."))
    requested = application.budget_lines.aggregate(total=Sum("amount_requested"))["total"] or ZERO
    if amount > requested:
        raise DecisionError(
            _("The amount (%(amount)s) is more than the amount requested (%(requested)s).")
            % {"amount": euros(amount), "requested": euros(requested)}
        )
    call = application.call
    if call.max_amount and amount > call.max_amount:
        raise DecisionError(
            _("The amount (%(amount)s) is more than the call's maximum (%(maximum)s).")
            % {
                "amount": euros(amount),
                "maximum": euros(call.max_amount),
            }
        )
    return amount


def _excesses(call, decision, amount):
    """The envelopes this funded amount would exceed. Lowering a grant is never refused."""
    previous = decision.amount_granted if decision.outcome == Outcome.FUNDED else ZERO
    if amount <= previous:
        return []
    excesses = []
    others = (
        funded_decisions()
        .filter(application__call=call)
        .exclude(pk=decision.pk)
        .aggregate(total=Sum("amount_granted"))["total"]
        or ZERO
    )
    if others + amount > call.envelope:
        excesses.append(
            Excess(label=_("The envelope of the call"), amount=call.envelope, total=others + amount)
        )
    envelope = _programme_envelope(call, lock=True)
    if envelope is not None:
        total = _programme_granted(call, exclude=decision) + amount
        if total > envelope.amount:
            excesses.append(
                Excess(
                    label=_("The envelope of %(programme)s in %(year)s")
                    % {
                        "programme": envelope.programme or _("cross-programme calls"),
                        "year": envelope.year,
                    },
                    amount=envelope.amount,
                    total=total,
                )
            )
    return excesses


def _programme_envelope(call, lock=False):
    envelopes = Envelope.objects.filter(programme=call.programme_id, year=call_year(call))
    if lock:
        envelopes = envelopes.select_for_update()
    return envelopes.select_related("programme").first()


def _programme_granted(call, exclude=None):
    granted = (
        funded_decisions()
        .filter(application__call__programme=call.programme_id)
        .annotate(year=closing_year("application__call"))
        .filter(year=call_year(call))
    )
    if exclude is not None:
        granted = granted.exclude(pk=exclude.pk)
    return granted.aggregate(total=Sum("amount_granted"))["total"] or ZERO


def _next_reserve_rank(call, decision):
    if decision.outcome == Outcome.RESERVE and decision.reserve_rank:
        return decision.reserve_rank
    highest = (
        Decision.objects.filter(application__call=call, outcome=Outcome.RESERVE)
        .exclude(pk=decision.pk)
        .aggregate(rank=Max("reserve_rank"))["rank"]
    )
    return (highest or 0) + 1
