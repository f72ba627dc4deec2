"""Everything that changes an application. Its allowed moves are the table APPLICATION below;
each state change is a function over common.transitions.perform, which locks the row, checks who
and when, saves with update_fields, writes the audit entry and queues the messages, in one
transaction. Views call these functions; they never write `state` themselves.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.models import Call, CallPhase
from common.errors import Refused
from common.permissions import require
from common.transitions import Move, Workflow, check, perform
from common.versions import raise_version, saved_at

from .facts import application_facts
from .models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    BudgetLine,
    ExcludedReviewer,
    Submission,
    TeamMember,
)
from .rules import call_is_open, is_lead, judged_at, moment_of
from .snapshot import build_snapshot, fingerprint
from .validation import paris, submission_problems

State = ApplicationState


class ApplicationError(Refused):
    """A refused action, with a message for the user."""


class StaleDraft(ApplicationError):
    """The draft changed since this copy was loaded (another tab, another team member)."""


class SubmissionRefused(ApplicationError):
    """Submission rules not met; `problems` maps a field ("answers.<id>", "team"...) to messages."""

    def __init__(self, problems):
        super().__init__(_("The application cannot be submitted yet."), problems)

    @classmethod
    def of(cls, message):
        """A refusal of the whole application, shown at the top of its page."""
        return cls({"__all__": [message]})


def why_not_submittable(application, user):
    """Why `user` may not submit `application` at the moment it is judged at: a plain refusal
    when it is no longer a draft, else a refusal shown at the top of its page."""
    if application.state != State.DRAFT:
        return ApplicationError(
            _("This application was already submitted.")
            if application.state == State.SUBMITTED
            else _("Only a draft can be submitted.")
        )
    return SubmissionRefused.of(_why_not_submittable(application, user))


def _why_not_submittable(application, user):
    if not is_lead(user, application):
        return _("Only the lead applicant can submit.")
    call = application.call
    if call.phase_at(moment_of(application)) == CallPhase.UPCOMING:
        return _("The call is not open yet.")
    return _(
        "The deadline passed on %(deadline)s (Paris time): the application can no "
        "longer be submitted. Your draft is kept and stays readable."
    ) % {"deadline": paris(call.closes_at)}


def record_move(application, actor, action, previous, target, reason):
    """An application's own move, in its audit trail."""
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_state=previous,
        to_state=target,
        reason=reason,
    )


def record_moves(rows, actor, action, target, reason):
    """record_move() for several applications, rows of (id, previous state), in one query."""
    return ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application_id=pk,
            actor=actor,
            action=action,
            from_state=previous,
            to_state=target,
            reason=reason,
        )
        for pk, previous in rows
    )


# action: the states it may start from, the state it leads to, the rule that says who and when.
APPLICATION = Workflow(
    states=State,
    initial={State.DRAFT},
    moves={
        "submit": Move(
            {State.DRAFT},
            State.SUBMITTED,
            "applications.submit_application",
            gettext_lazy("An application that is %(state)s cannot be submitted."),
        ),
        "withdraw": Move(
            {State.DRAFT, State.SUBMITTED},
            State.WITHDRAWN,
            "applications.withdraw_application",
            gettext_lazy("An application that is %(state)s cannot be withdrawn."),
        ),
        "reopen": Move(
            {State.SUBMITTED},
            State.DRAFT,
            "applications.reopen_application",
            gettext_lazy("An application that is %(state)s cannot be reopened."),
        ),
        # Eligibility screening and review (reviews.eligibility, reviews.assignments).
        "mark_eligible": Move(
            {State.SUBMITTED, State.INELIGIBLE},
            State.ELIGIBLE,
            "reviews.screen_application",
            gettext_lazy("An application that is %(state)s cannot be marked eligible."),
        ),
        "mark_ineligible": Move(
            {State.SUBMITTED, State.ELIGIBLE},
            State.INELIGIBLE,
            "reviews.screen_application",
            gettext_lazy("An application that is %(state)s cannot be marked ineligible."),
        ),
        "start_review": Move(
            {State.ELIGIBLE},
            State.IN_REVIEW,
            "reviews.manage_assignments",
            gettext_lazy("An application that is %(state)s cannot be sent to review."),
        ),
        # The deciding body's decision (decisions.services).
        "decide": Move(
            {State.ELIGIBLE, State.IN_REVIEW},
            State.DECIDED,
            "decisions.decide_application",
            gettext_lazy("An application that is %(state)s cannot be decided on."),
        ),
    },
    error=ApplicationError,
    record=record_move,
    record_many=record_moves,
    # Every move makes the copies of the draft loaded elsewhere stale (editing_draft).
    changes=lambda: {"version": F("version") + 1, "updated_at": timezone.now()},
)


def locked(application):
    return Application.objects.select_for_update().select_related("call").get(pk=application.pk)


def start_application(user, call, now=None):
    """A new draft for `user` on an open call; at most one per lead unless the call allows more."""
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)  # one start at a time per call
        if not call.live or call.phase_at(now) != CallPhase.OPEN:
            raise ApplicationError(_("This call is not open for applications."))
        existing = (
            Application.objects.filter(call=call, lead=user).exclude(state=State.WITHDRAWN).first()
        )
        if existing and not call.allows_multiple_applications:
            raise AlreadyApplied(existing)
        application = Application.objects.create(call=call, lead=user)
        TeamMember.objects.create(
            application=application,
            name=user.get_full_name() or user.email,
            email=user.email,
            orcid=user.orcid,
            institution=user.institution,
            role="other",
            is_lead=True,
        )
        ApplicationEvent.objects.create(
            application=application,
            actor=user,
            action="start",
            from_state=State.DRAFT,
            to_state=State.DRAFT,
        )
    return application


class AlreadyApplied(ApplicationError):
    def __init__(self, application):
        super().__init__(_("You already have an application to this call."))
        self.application = application


@contextmanager
def editing_draft(application, version):
    """Change a draft only if nobody saved it since `version` was loaded; raises StaleDraft.

    with editing_draft(application, version): ...save answers, team or budget rows...
    The version goes up by one, atomically, so a second tab holding the old version is refused.
    """
    with transaction.atomic():
        current = raise_version(
            Application.objects.filter(state=State.DRAFT), application.pk, version
        )
        if current is not None:
            if current.state != State.DRAFT:
                raise ApplicationError(_("This application is no longer a draft."))
            raise StaleDraft(
                _(
                    "This draft was changed elsewhere (another tab or a team member) at "
                    "%(time)s. Your changes were not saved: copy them, reload the page, "
                    "and apply them again."
                )
                % {"time": saved_at(current)}
            )
        application.refresh_from_db(fields=["version", "updated_at"])
        yield application


def why_not_editable(application, user):
    """Why `user` may not change `application`'s draft now, in their words."""
    if application.state != State.DRAFT:
        return _("This application is %(state)s: it can no longer be changed.") % {
            "state": application.get_state_display().lower()
        }
    if not call_is_open(user, application):
        return _("The call has closed: this draft can no longer be changed.")
    return _("Only the lead applicant can change this draft.")


def require_editable(application, user):
    require(
        user,
        "applications.edit_draft",
        application,
        ApplicationError,
        why_not_editable(application, user),
    )


def save_draft(
    application,
    version,
    *,
    actor,
    title,
    answers,
    team=None,
    budget=None,
    disciplines=None,
    keywords=None,
    excluded=None,
    now=None,
):
    """Save a draft: title and answers, and the other parts when given; returns the new version.

    `team`, `budget` and `excluded` (the people the applicant asks to exclude as reviewers) are
    lists of field dicts: when given, they replace the saved rows, in the order of the page (the
    page shows the whole draft, and the version says it was the latest). `disciplines` (Discipline
    objects or ids) and `keywords` (text) replace theirs when given. More people to exclude than
    the call allows are refused, and nothing is saved. Only `actor` as the rule
    applications.edit_draft allows (the lead, on a draft, before the deadline); `now` replays
    another moment (the demo).
    """
    require_editable(judged_at(application, now), actor)
    limit = application.call.max_excluded_reviewers
    if excluded is not None and len(excluded) > limit:
        raise ApplicationError(
            ngettext(
                "This call lets you name at most %(max)s person to exclude as a reviewer; "
                "you named %(count)s.",
                "This call lets you name at most %(max)s people to exclude as reviewers; "
                "you named %(count)s.",
                limit,
            )
            % {"max": limit, "count": len(excluded)}
            if limit
            else _("This call does not let applicants exclude anyone as a reviewer.")
        )
    with editing_draft(application, version):
        application.title = title
        application.answers = answers
        fields = ["title", "answers"]
        if keywords is not None:
            application.keywords = keywords
            fields.append("keywords")
        application.save(update_fields=fields)
        if disciplines is not None:
            application.disciplines.set(disciplines)
        if excluded is not None:
            application.excluded_reviewers.all().delete()
            ExcludedReviewer.objects.bulk_create(
                ExcludedReviewer(application=application, position=position, **row)
                for position, row in enumerate(excluded)
            )
        if team is not None:
            application.team.all().delete()
            TeamMember.objects.bulk_create(
                TeamMember(application=application, position=position, **row)
                for position, row in enumerate(team)
            )
        if budget is not None:
            application.budget_lines.all().delete()
            BudgetLine.objects.bulk_create(
                BudgetLine(application=application, position=position, **row)
                for position, row in enumerate(budget)
            )
    return application.version


def submit_application(application, actor, now=None):
    """Check every rule, then freeze the content in one transaction. Returns the Submission.

    `now` is the server's clock when the request arrived: it decides whether it is on time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        application = judged_at(locked(application), now)
        check(application, "submit", actor, APPLICATION, why_not_submittable)
        problems = submission_problems(application, now)
        if problems:
            raise SubmissionRefused(problems)
        content = build_snapshot(application, now)
        submission = Submission.objects.create(
            application=application,
            number=application.submissions.count() + 1,
            received_at=now,
            content=content,
            fingerprint=fingerprint(content),
        )
        perform(
            application,
            "submit",
            actor,
            APPLICATION,
            changes={"submitted_at": now},
            why_not=why_not_submittable,
            notify=lambda _application: queue_receipt(submission),
        )
    return submission


def queue_receipt(submission):
    """Tell the lead, in this transaction, that the application was received. The PDF receipt
    is made when the e-mail is sent, by a provider named by its path (notifications imports no
    other app)."""
    from django.urls import reverse

    from notifications.events import Event
    from notifications.services import notify

    from .facts import submission_facts

    application = submission.application
    notify(
        Event.APPLICATION_SUBMITTED,
        [application.lead],
        {
            "application": application_facts(application),
            "submission": submission_facts(submission),
        },
        url=reverse("applications:edit", args=[application.pk]),
        attachments=[("applications.receipts.receipt_attachment", [submission.pk])],
    )


def withdraw_application(application, actor, now=None):
    """The lead withdraws a draft at any time, a submitted application until the call closes
    (the rule applications.withdraw_application)."""
    with transaction.atomic():
        application = judged_at(locked(application), now)
        return perform(application, "withdraw", actor, APPLICATION, why_not=why_not_withdrawn)


def why_not_withdrawn(application, actor):
    """Who may withdraw, then when; the table's message for any other state."""
    if not is_lead(actor, application):
        return _("Only the lead applicant can withdraw.")
    if application.state == State.SUBMITTED:
        return _("The call has closed: a submitted application can no longer be withdrawn.")
    return None


def reopen_application(application, actor, reason):
    """Staff send a submitted application back to draft, saying why; its snapshots are kept."""
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the application is reopened."))
    from django.urls import reverse

    from notifications.events import Event
    from notifications.services import notify

    with transaction.atomic():
        return perform(
            locked(application),
            "reopen",
            actor,
            APPLICATION,
            reason=reason.strip(),
            changes={"submitted_at": None},
            notify=lambda application: notify(
                Event.APPLICATION_REOPENED,
                [application.lead],
                {"application": application_facts(application), "reason": reason.strip()},
                url=reverse("applications:edit", args=[application.pk]),
            ),
        )
