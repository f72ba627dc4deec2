"""The retention run: what is past its period on a given day, per rule of the register
(privacy.register.RETENTION_RULES), and the run that anonymises it, every night (the Celery
beat entry "privacy.tasks.run_retention") or by hand (`manage.py run_retention`).

A period starts at a record's own date: the decision, the ineligibility ruling, the withdrawal
of the application or of its funding, or the call's closing for an application no decision
ended (not funded); the closure or termination of the funded project, or the funding
decision when no project followed it (funded); the draft's last change, submitted before or
not (abandoned drafts); the last sign-in or the sign-up (inactive accounts); the message
(delivery logs). Years are calendar years: a period that starts on 29 February ends on 28
February.

Each record is anonymised in its own transaction (privacy.anonymise): one that fails is logged
and counted, and the others go on. A held dossier, or one already anonymised, is never due. The
run ends by deleting the governance reports that copy what it removed (privacy.reports).
"""

import datetime as dt
import logging
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Greatest

from accounts.roles import running_the_platform
from applications.models import Application, ApplicationEvent, ApplicationState, AuditSubject
from decisions.models import Outcome
from notifications.models import Message
from projects.models import ProjectState
from reviews.models import Assignment
from reviews.queries import reviews_owed_by

from .anonymise import anonymise_account, anonymise_application
from .holdings import delete_old_invitations, keeps_a_labelled_collection
from .models import EventKind, PrivacyEvent
from .register import RETENTION_RULES
from .reports import delete_outdated_reports

logger = logging.getLogger(__name__)

# The rules whose records are applications, accounts, or log rows deleted outright.
APPLICATION_RULES = ("not_funded", "funded", "abandoned_draft")


def years_before(moment, years):
    """The moment `years` calendar years before: on 28 February of a common year, 29 February
    of the leap year before (a period that began on 29 February ends on 28 February), and 29
    February of a leap year goes to 28 February of a common one."""
    year = moment.year - years
    try:
        earlier = moment.replace(year=year)
    except ValueError:  # 29 February, and the earlier year is common
        return moment.replace(year=year, day=28)
    if (moment.month, moment.day) == (2, 28) and is_leap(year) and not is_leap(moment.year):
        return earlier.replace(day=29)
    return earlier


def years_after(moment, years):
    """When a period of `years` that starts at `moment` ends (29 February: 28 February)."""
    year = moment.year + years
    try:
        return moment.replace(year=year)
    except ValueError:
        return moment.replace(year=year, day=28)


def is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def cutoff(rule, now):
    """A record whose period started at or before this moment is due on `now`."""
    if rule.unit == "days":
        return now - dt.timedelta(days=rule.period)
    return years_before(now, rule.period)


def ends(rule, since):
    """When the period of `rule` that started at `since` ends (the staff page shows it)."""
    if rule.unit == "days":
        return since + dt.timedelta(days=rule.period)
    return years_after(since, rule.period)


# When each record's period started


def entered_state():
    """When the application entered its present state, from its audit trail (the ruling or
    the withdrawal); its last change when the trail does not say."""
    events = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), subject="application", to_state=OuterRef("state")
    ).order_by("-created_at")
    return Coalesce(Subquery(events.values("created_at")[:1]), F("updated_at"))


def funding_withdrawn():
    """When the funding was withdrawn, from its audit row (decisions.services.withdraw_funding
    leaves the decision's date as it was); the decision's last change when the trail does not
    say."""
    events = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), subject=AuditSubject.DECISION, action="withdraw_funding"
    ).order_by("-created_at")
    return Coalesce(Subquery(events.values("created_at")[:1]), F("decision__updated_at"))


# Submitted and never decided (the call was cancelled, or its decisions never recorded): the
# call funds nothing, so the period counts from its closing.
UNDECIDED = (ApplicationState.SUBMITTED, ApplicationState.ELIGIBLE, ApplicationState.IN_REVIEW)


def not_funded():
    decided = Q(state=ApplicationState.DECIDED) & ~Q(decision__outcome=Outcome.FUNDED)
    ended = Q(state__in=[ApplicationState.INELIGIBLE, ApplicationState.WITHDRAWN])
    undecided = Q(state__in=UNDECIDED)
    return Application.objects.filter(decided | ended | undecided).annotate(
        since=Case(
            When(
                state=ApplicationState.DECIDED,
                decision__outcome=Outcome.WITHDRAWN,
                then=funding_withdrawn(),
            ),
            When(state=ApplicationState.DECIDED, then=F("decision__decided_at")),
            When(state__in=UNDECIDED, then=F("call__closes_at")),
            default=entered_state(),
        )
    )


def project_ended():
    """When the funded project was closed or terminated, from its audit row (its last change
    when the trail does not say)."""
    events = ApplicationEvent.objects.filter(
        application=OuterRef("pk"),
        subject=AuditSubject.PROJECT,
        to_state__in=ProjectState.ended,
    ).order_by("-created_at")
    return Coalesce(Subquery(events.values("created_at")[:1]), F("decision__project__updated_at"))


def funded():
    """A funded dossier is kept while its project runs, and its period counts from the project's
    closure (or termination); a funded decision whose letter never made a project counts from
    the decision."""
    running = Q(decision__project__isnull=False) & ~Q(
        decision__project__state__in=ProjectState.ended
    )
    return (
        Application.objects.filter(state=ApplicationState.DECIDED, decision__outcome=Outcome.FUNDED)
        .exclude(running)
        .annotate(
            since=Case(
                When(decision__project__isnull=True, then=F("decision__decided_at")),
                default=project_ended(),
            )
        )
    )


def abandoned_drafts():
    """Every draft, submitted before or not (staff may reopen a submitted application, and its
    lead may never come back to it)."""
    return Application.objects.filter(state=ApplicationState.DRAFT).annotate(since=F("updated_at"))


def inactive_accounts():
    """Accounts that lead nothing still whole, reviewed no dossier still whole (who reviewed it
    is needed while it is kept: conflicts of interest), owe no review, keep no collection whose
    label holds and do not run the platform."""
    led = Application.objects.filter(lead=OuterRef("pk"), anonymisation__isnull=True)
    reviewed = Assignment.objects.filter(
        reviewer=OuterRef("pk"), application__anonymisation__isnull=True
    )
    # The one statement of a review owed (reviews.queries), for every account at once.
    owed = reviews_owed_by(SimpleNamespace(id=OuterRef("pk")))
    return (
        get_user_model()
        .objects.filter(anonymisation__isnull=True)
        .exclude(pk__in=get_user_model().objects.filter(running_the_platform()).values("pk"))
        .exclude(Exists(led))
        .exclude(Exists(reviewed))
        .exclude(Exists(owed))
        .exclude(keeps_a_labelled_collection())
        .annotate(since=Coalesce(Greatest("last_login", "date_joined"), "date_joined"))
    )


SOURCES = {
    "not_funded": not_funded,
    "funded": funded,
    "abandoned_draft": abandoned_drafts,
    "inactive_account": inactive_accounts,
}


def due(now):
    """{rule key: the records past their period on `now`, ordered by the start of it}: the
    applications not held nor anonymised, the accounts, the messages of the delivery log."""
    found = {}
    for key, rule in RETENTION_RULES.items():
        limit = cutoff(rule, now)
        if key == "delivery_log":
            found[key] = Message.objects.filter(created_at__lte=limit).order_by("created_at")
            continue
        records = SOURCES[key]().filter(since__lte=limit)
        if key in APPLICATION_RULES:
            records = records.filter(anonymisation__isnull=True, retention_hold__isnull=True)
        found[key] = records.order_by("since", "pk")
    return found


def run(now, actor=None):
    """Anonymise what is due on `now`, each record in its own transaction, delete the delivery
    log past its period and the governance reports that copy what was anonymised, and write one
    PrivacyEvent with the counts per rule (and "holder_invitations", "governance_reports")."""
    counts = {}
    for key, records in due(now).items():
        if key == "delivery_log":
            counts[key] = {"deleted": records.delete()[1].get(Message._meta.label, 0)}
            continue
        anonymise = anonymise_account if key == "inactive_account" else anonymise_application
        counts[key] = {"anonymised": 0, "failed": 0}
        for record in list(records.only("pk")):
            try:
                anonymise(record, rule=key, actor=actor)
            except Exception:
                logger.exception("Retention %s: could not anonymise #%s.", key, record.pk)
                counts[key]["failed"] += 1
            else:
                counts[key]["anonymised"] += 1
    # Invitations to keep a collection are messages: they go with the delivery log's period.
    limit = cutoff(RETENTION_RULES["delivery_log"], now)
    counts["holder_invitations"] = {"deleted": delete_old_invitations(limit)}
    counts["governance_reports"] = {"deleted": delete_outdated_reports()}
    event = PrivacyEvent.objects.create(kind=EventKind.RETENTION_RUN, actor=actor, counts=counts)
    logger.info("Retention run: %s", counts)
    return event
