"""Amendments ("avenants") of a funded project: the lead (or staff) asks, staff accept or refuse
with a reason, and an accepted one changes the project.

Each kind carries its behaviour in KINDS: the fields it fills, how they are checked when it is
asked, what accepting it changes, and how the page says what it changes. Adding a kind touches
that one place (and AmendmentKind).

Choices made here:
- An amendment is asked once the agreement is signed and until the project ends (the rule
  projects.ask_amendment, ProjectState.amendable): it changes a signed agreement; before the
  signature staff change the project (carrier, schedule) directly.
- A new carrier comes without its finance contact: the old contact belonged to the old
  institution, and staff set the new one with the carrier form.
- Giving back is at most what remains to pay, and never the whole grant: giving up everything
  is a withdrawal of the funding, which the deciding body records on the decision.
- When the call says so (Call.amendment_needs_new_agreement), an accepted amendment makes the
  agreement's next version, in the same transaction: if that version cannot be made, the
  amendment is not accepted, and staff see why.
"""

from decimal import Decimal

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from applications import audit
from applications.attachments import (
    FILE_TYPES,
    MB,
    AttachmentRefused,
    clean_name,
    detect_type,
    display_name,
    read_checked,
    type_labels,
)
from applications.models import AuditSubject, BudgetCategory
from common.errors import Refused
from common.formats import euros_with_cents
from common.permissions import require
from common.storage import private_files
from common.transitions import Move, Workflow, perform
from decisions.services import DecisionError, lower_grant

from . import messages
from .agreements import AgreementError, prepare_version
from .models import Amendment, AmendmentKind, AmendmentState
from .payments import (
    PaymentError,
    locked,
    paid_on_project,
    paid_per_instalment,
    set_schedule,
)
from .reports import plan_reports

ASK = "projects.ask_amendment"
DECIDE = "projects.decide_amendment"
# What an attachment may be: a letter or a budget table, checked by content.
ATTACHMENT_TYPES = ("pdf", "odt", "ods", "docx", "xlsx")
ATTACHMENT_LIMIT = 10 * MB
MAX_EXTENSION = 24


class AmendmentError(Refused):
    """An amendment that the rules, its fields or the person do not allow; `problems` maps a
    field ("extension_months", "reallocation_staff", "__all__"...) to its messages."""


# The kinds


class Kind:
    """What one kind of amendment fills, checks, changes and says."""

    fields = ()

    def check(self, project, values):
        """{field: [message]} of what is wrong in `values` for this project."""
        return {}

    def kept(self, values):
        """{field: value} of what the amendment keeps of `values`: its own fields only."""
        return {field: values[field] for field in self.fields}

    def values_of(self, amendment):
        """The values `amendment` keeps, as check() takes them (to check it again)."""
        return {field: getattr(amendment, field) for field in self.fields}

    def apply(self, amendment, project, actor):
        """Change `project` (locked) as the accepted amendment says; returns the fields changed."""
        return []

    def describe(self, amendment):
        """What it changes, in words."""
        return ""

    def follow_up(self, amendment):
        """What is still to be done elsewhere once it is accepted, in words ("" when nothing)."""
        return ""


class Extension(Kind):
    fields = ("extension_months",)

    def check(self, project, values):
        months = values.get("extension_months")
        if months is None:
            return {"extension_months": [_("Give the number of months added.")]}
        if not 1 <= months <= MAX_EXTENSION:
            return {
                "extension_months": [
                    _("An extension adds 1 to %(most)s months.") % {"most": MAX_EXTENSION}
                ]
            }
        return {}

    def apply(self, amendment, project, actor):
        if project.start_date is None or not project.duration_months:
            raise AmendmentError(_("The project has no start date yet: its end date cannot move."))
        project.duration_months += amendment.extension_months
        plan_reports(project)  # a report due from the end moves with it
        return ["duration_months"]

    def describe(self, amendment):
        return ngettext(
            "%(count)s more month", "%(count)s more months", amendment.extension_months
        ) % {"count": amendment.extension_months}


class GiveBack(Kind):
    fields = ("amount",)

    def check(self, project, values):
        amount = values.get("amount")
        if amount is None:
            return {"amount": [_("Give the amount given back.")]}
        if amount <= 0:
            return {"amount": [_("The amount given back is more than 0.")]}
        if amount >= project.amount_granted:
            return {
                "amount": [
                    _(
                        "Giving back the whole grant is a withdrawal of the funding: ask the "
                        "programme's staff."
                    )
                ]
            }
        paid = paid_on_project(project)
        remaining = project.amount_granted - paid
        if amount > remaining:
            return {
                "amount": [
                    _(
                        "At most %(remaining)s can be given back: %(paid)s of the "
                        "%(granted)s granted was already paid."
                    )
                    % {
                        "remaining": euros_with_cents(remaining),
                        "paid": euros_with_cents(paid),
                        "granted": euros_with_cents(project.amount_granted),
                    }
                ]
            }
        return {}

    def apply(self, amendment, project, actor):
        try:
            decision = lower_grant(
                project.decision.application, actor, amendment.amount, amendment.decision_reason
            )
        except DecisionError as error:
            raise AmendmentError(str(error)) from None
        project.amount_granted = decision.amount_granted
        project.save(update_fields=["amount_granted", "updated_at"])
        lower_schedule(project, amendment.amount, actor)
        return ["amount_granted"]

    def describe(self, amendment):
        return _("%(amount)s given back") % {"amount": euros_with_cents(amendment.amount)}


class CarrierChange(Kind):
    fields = ("new_carrier",)

    def check(self, project, values):
        carrier = values.get("new_carrier")
        if carrier is None:
            return {"new_carrier": [_("Choose the new carrier in the directory.")]}
        if carrier.pk == project.carrier_id:
            return {"new_carrier": [_("This institution already carries the project.")]}
        return {}

    def apply(self, amendment, project, actor):
        project.carrier = amendment.new_carrier
        project.finance_contact_name = ""
        project.finance_contact_email = ""
        return ["carrier", "finance_contact_name", "finance_contact_email"]

    def describe(self, amendment):
        return _("New carrier: %(carrier)s") % {"carrier": amendment.new_carrier}


class Reallocation(Kind):
    fields = ("reallocation",)

    def check(self, project, values):
        amounts = {
            category: amount
            for category, amount in (values.get("reallocation") or {}).items()
            if amount is not None
        }
        problems = {}
        for category, amount in amounts.items():
            if category not in BudgetCategory.values:
                problems.setdefault("reallocation", []).append(_("Unknown budget category."))
            elif amount < 0:
                problems[f"reallocation_{category}"] = [_("An amount cannot be negative.")]
        if not amounts:
            problems["reallocation"] = [_("Give the new amount of each budget category.")]
        if problems:
            return problems
        total = sum(amounts.values(), Decimal(0))
        if total != project.amount_granted:
            return {
                "reallocation": [
                    _("The new amounts add up to %(total)s; the amount granted is %(granted)s.")
                    % {
                        "total": euros_with_cents(total),
                        "granted": euros_with_cents(project.amount_granted),
                    }
                ]
            }
        return {}

    def kept(self, values):
        """The amounts given, as JSON keeps them (text, to the cent as typed)."""
        amounts = values["reallocation"] or {}
        return {
            "reallocation": {
                category: str(amount) for category, amount in amounts.items() if amount is not None
            }
        }

    def values_of(self, amendment):
        return {
            "reallocation": {
                category: Decimal(amount)
                for category, amount in (amendment.reallocation or {}).items()
            }
        }

    def describe(self, amendment):
        labels = dict(BudgetCategory.choices)
        return " ; ".join(
            f"{labels.get(category, category)} {euros_with_cents(amount)}"
            for category, amount in amendment.reallocation.items()
        )


class TeamChange(Kind):
    fields = ("team_change",)

    def check(self, project, values):
        if not (values.get("team_change") or "").strip():
            return {"team_change": [_("Describe the change in the team.")]}
        return {}

    def describe(self, amendment):
        return amendment.team_change

    def follow_up(self, amendment):
        # Accepting records the change; the people who read the project are the application's
        # team, which only the lead changes.
        return _(
            "Accepting this amendment does not change the team named in the application: the "
            "lead invites a new member from the team section of the application. Staff have no "
            "form to change the team."
        )


KINDS = {
    AmendmentKind.EXTENSION: Extension(),
    AmendmentKind.REALLOCATION: Reallocation(),
    AmendmentKind.TEAM_CHANGE: TeamChange(),
    AmendmentKind.CARRIER_CHANGE: CarrierChange(),
    AmendmentKind.GIVE_BACK: GiveBack(),
}


def describe(amendment):
    return KINDS[amendment.kind].describe(amendment)


# Asking


def ask_amendment(
    project,
    actor,
    *,
    kind,
    justification,
    extension_months=None,
    amount=None,
    new_carrier=None,
    reallocation=None,
    team_change="",
    attachment=None,
):
    """The lead (or staff) asks for an amendment of `kind`, with its justification; only the
    kind's own fields are kept. One open amendment of a kind at a time. The attachment, if any,
    is checked by content and size before anything is stored."""
    values = {
        "extension_months": extension_months,
        "amount": amount,
        "new_carrier": new_carrier,
        "reallocation": reallocation,
        "team_change": (team_change or "").strip(),
    }
    justification = (justification or "").strip()
    problems = {}
    if kind not in KINDS:
        problems["kind"] = [_("Choose what the amendment changes.")]
    if not justification:
        problems["justification"] = [_("Say why the project needs this amendment.")]
    checked = checked_attachment(attachment, problems)
    with transaction.atomic():
        project = locked(project)
        require(
            actor,
            ASK,
            project,
            AmendmentError,
            _(
                "Only the lead or programme staff can ask for an amendment, once the agreement "
                "is signed and while the project is still funded and not ended."
            ),
        )
        if kind in KINDS:
            if project.amendments.filter(kind=kind, state=AmendmentState.ASKED).exists():
                problems["kind"] = [
                    _("An amendment of this kind is already waiting for a decision.")
                ]
            else:
                for field, texts in KINDS[kind].check(project, values).items():
                    problems.setdefault(field, []).extend(texts)
        if problems:
            raise AmendmentError(problems=problems)
        amendment = Amendment(
            project=project, kind=kind, justification=justification, asked_by=actor
        )
        for field, value in KINDS[kind].kept(values).items():
            setattr(amendment, field, value)
        stored = store(amendment, attachment, checked)
        try:
            audit.record(
                project.decision.application_id,
                actor,
                AuditSubject.PROJECT,
                "ask_amendment",
                reason=f"{amendment.get_kind_display()} — {justification}",
            )
            messages.amendment_asked(amendment)
        except BaseException:  # no file left behind a row that was not made
            if stored:
                private_files.delete(stored)
            raise
    return amendment


def checked_attachment(uploaded_file, problems):
    """(type code, sha256) of an acceptable attachment; None without one, or when it is
    refused (its message then in problems["attachment"])."""
    if not uploaded_file:
        return None
    name = clean_name(uploaded_file.name)[:100] or _("file")
    if uploaded_file.size is not None and uploaded_file.size > ATTACHMENT_LIMIT:
        problems["attachment"] = [too_large(name, uploaded_file.size)]
        return None
    try:
        size, sha256 = read_checked(uploaded_file, name, ATTACHMENT_LIMIT)
    except AttachmentRefused:
        problems["attachment"] = [too_large(name, uploaded_file.size)]
        return None
    type_code = detect_type(uploaded_file)
    if size == 0:
        problems["attachment"] = [_("“%(name)s” is empty.") % {"name": name}]
    elif type_code not in ATTACHMENT_TYPES:
        problems["attachment"] = [
            _(
                "“%(name)s” is not a file of an accepted type, whatever its name says. "
                "Accepted types: %(types)s."
            )
            % {"name": name, "types": type_labels(ATTACHMENT_TYPES)}
        ]
    else:
        return type_code, sha256
    return None


def too_large(name, size):
    return _("“%(name)s” is %(size)s: an attachment may not exceed %(limit)s MB.") % {
        "name": name,
        "size": filesizeformat(size),
        "limit": ATTACHMENT_LIMIT // MB,
    }


def store(amendment, uploaded_file, checked):
    """Save the amendment, with its file in private storage named from the project and its
    fingerprint (never from the person); returns the stored file's name, or ""."""
    if checked is None:
        amendment.save()
        return ""
    type_code, sha256 = checked
    amendment.sha256 = sha256
    amendment.attachment_name = display_name(uploaded_file.name, type_code)
    amendment.attachment_type = FILE_TYPES[type_code][0]
    amendment.attachment.save(sha256, uploaded_file, save=False)
    stored = amendment.attachment.name
    try:
        amendment.save()
    except BaseException:
        private_files.delete(stored)
        raise
    return stored


# Deciding


def why_not(amendment, actor):
    """The refusal's words when the amendment is open but the person or the moment is wrong."""
    if amendment.is_open:
        return _(
            "Only programme staff decide on an amendment, while the project is still funded "
            "and not ended."
        )
    return None


def record_decision(amendment, actor, action, previous, target, reason):
    return audit.record(
        amendment.project.decision.application_id,
        actor,
        AuditSubject.PROJECT,
        action,
        reason=f"{amendment.get_kind_display()} — {reason}",
    )


AMENDMENT = Workflow(
    states=AmendmentState,
    initial={AmendmentState.ASKED},
    moves={
        "accept_amendment": Move(
            {AmendmentState.ASKED},
            AmendmentState.ACCEPTED,
            DECIDE,
            gettext_lazy("An amendment that is %(state)s cannot be decided again."),
        ),
        "refuse_amendment": Move(
            {AmendmentState.ASKED},
            AmendmentState.REFUSED,
            DECIDE,
            gettext_lazy("An amendment that is %(state)s cannot be decided again."),
        ),
    },
    error=AmendmentError,
    record=record_decision,
)


def accept_amendment(amendment, actor, reason):
    """Staff accept the amendment with a reason; the project changes as its kind says, in the
    same transaction (a give-back lowers the decision's grant and the unpaid instalments). The
    kind's check runs again first, on the project locked as it is now: what was asked may no
    longer fit (a reallocation asked before a give-back, a give-back after payments)."""
    reason = given(reason)
    with transaction.atomic():
        project = locked(amendment.project)
        amendment.project = project
        perform(
            amendment,
            "accept_amendment",
            actor,
            AMENDMENT,
            reason=reason,
            why_not=why_not,
            changes=decided(actor, reason),
        )
        kind = KINDS[amendment.kind]
        still_fits(kind.check(project, kind.values_of(amendment)))
        fields = kind.apply(amendment, project, actor)
        if fields:
            project.save(update_fields=[*fields, "updated_at"])
        if project.application.call.amendment_needs_new_agreement:
            new_agreement(project, amendment, actor)
        messages.amendment_decided(amendment)
    return amendment


def still_fits(problems):
    """Refuse the acceptance when the amendment, checked again against the project as it is now
    (a give-back accepted meanwhile, payments recorded since it was asked), no longer fits."""
    if problems:
        raise AmendmentError(
            _("This amendment no longer fits the project as it is now: %(problems)s")
            % {"problems": " ".join(str(text) for texts in problems.values() for text in texts)}
        )


def new_agreement(project, amendment, actor):
    """The agreement's next version, made from the project as the amendment left it, when the
    call says an accepted amendment needs one; if it cannot be made (no carrier, a version
    signed by one party only), the amendment is not accepted either."""
    try:
        prepare_version(
            project,
            actor,
            reason=_("Amendment: %(kind)s") % {"kind": amendment.get_kind_display()},
            amendment=amendment,
        )
    except AgreementError as error:
        raise AmendmentError(
            _("The new version of the agreement cannot be made: %(error)s")
            % {"error": " ".join(error.messages)}
        ) from None


def refuse_amendment(amendment, actor, reason):
    """Staff refuse the amendment with a reason; the project stays as it is."""
    reason = given(reason)
    with transaction.atomic():
        amendment.project = locked(amendment.project)
        perform(
            amendment,
            "refuse_amendment",
            actor,
            AMENDMENT,
            reason=reason,
            why_not=why_not,
            changes=decided(actor, reason),
        )
        messages.amendment_decided(amendment)
    return amendment


def decided(actor, reason):
    return {"decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason}


def given(reason):
    reason = (reason or "").strip()
    if not reason:
        raise AmendmentError(problems={"reason": [_("Give the reason of the decision.")]})
    return reason


# The schedule after a give-back


def lower_schedule(project, amount, actor):
    """The unpaid part of the instalments lowered by `amount`, from the last one backwards, so
    that the schedule adds up to the new amount granted to the cent; an instalment is never
    lowered below what was paid on it, and one left at nothing with nothing paid is removed.
    Amounts are kept as amounts (a share would now be of another grant)."""
    instalments = list(project.instalments.all())
    if not instalments:
        return
    paid = paid_per_instalment(project)
    amounts = {instalment.pk: instalment.amount for instalment in instalments}
    left = amount
    for instalment in reversed(instalments):
        cut = min(left, amounts[instalment.pk] - paid.get(instalment.pk, 0))
        if cut > 0:
            amounts[instalment.pk] -= cut
            left -= cut
    if left > 0:
        raise AmendmentError(_("The unpaid instalments are less than the amount given back."))
    rows = [
        {
            "instalment": instalment.pk,
            "label": instalment.label,
            "share": None,
            "amount": amounts[instalment.pk],
            "planned_on": instalment.planned_on,
            "condition": instalment.condition,
            "report": instalment.report_id,
        }
        for instalment in instalments
        if amounts[instalment.pk] or paid.get(instalment.pk)
    ]
    try:
        set_schedule(project, rows, actor)
    except PaymentError as error:  # an instalment paid over its amount, staff not allowed...
        raise AmendmentError(
            _("The payment schedule cannot be lowered: %(error)s")
            % {"error": " ".join(error.messages)}
        ) from None


# Reading


def amendments_of(project):
    """The project's amendments, oldest first, each with `changes` (what it changes, in words)
    and, once accepted, `follow_up` (what is left to do elsewhere), in one query whatever their
    number."""
    amendments = list(
        project.amendments.select_related("asked_by", "decided_by", "new_carrier").order_by(
            "asked_at", "pk"
        )
    )
    for amendment in amendments:
        amendment.project = project
        amendment.changes = describe(amendment)
        accepted = amendment.state == AmendmentState.ACCEPTED
        amendment.follow_up = KINDS[amendment.kind].follow_up(amendment) if accepted else ""
    return amendments
