"""What a funded project's people are told, through the outbox (notifications.notify): an
agreement ready to sign, signed, a payment recorded, an amendment asked and decided, and the
daily reminder of agreements still unsigned.

The services call these functions inside their own transaction, with the row locked: the message
is written with the change or not at all. Each message says what it is about (`about`), so that
telling twice of the same thing tells nobody twice. Recipients read in their own language
(notify renders each message in it); the variables are plain values, shaped like the samples of
notifications.previews.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.facts import person_facts
from accounts.roles import Role
from applications.facts import application_and_call
from applications.models import TeamInvitation, TeamMember
from calls.facts import in_language
from decisions.models import Outcome
from notifications.events import Event
from notifications.services import notify

from .models import AgreementVersion, AmendmentKind, AmendmentState, ProjectState

# Facts (plain values) a message states


def project_facts(project):
    return {
        "reference": project.application.reference,
        "title": project.application.title,
        "carrier": str(project.carrier) if project.carrier_id else "",
        "amount_granted": project.amount_granted,
        "state_label": ProjectState(project.state).label,
        "start_date": project.start_date,
        "end_date": project.end_date,
        # Read when each message is rendered: the page's address in the recipient's language.
        "url": in_language(lambda: f"{settings.SITE_URL}{project_url(project)}"),
    }


def project_url(project):
    return reverse("projects:project", args=[project.pk])


def about_project(project):
    """project, application and call: what every message about one project receives."""
    return {"project": project_facts(project), **application_and_call(project.application)}


def agreement_facts(version):
    return {
        "number": version.number,
        "title": version.title,
        "made_at": version.created_at,
        "signed_at": version.signed_at,
        "reason": version.reason,
    }


def payment_facts(payment, paid):
    """`paid`: the total paid on the project, this payment included."""
    return {
        "instalment": payment.instalment.label,
        "amount": payment.amount,
        "paid_on": payment.paid_on,
        "reference": payment.reference,
        "paid": paid,
        "remaining": payment.project.amount_granted - paid,
    }


def amendment_facts(amendment):
    return {
        "kind": amendment.kind,
        # Lazy labels: read in each recipient's language.
        "kind_label": AmendmentKind(amendment.kind).label,
        "justification": amendment.justification,
        "extension_months": amendment.extension_months,
        "amount": amendment.amount,
        "asked_by": person_facts(amendment.asked_by)["name"],
        "asked_at": amendment.asked_at,
        "state": amendment.state,
        "state_label": AmendmentState(amendment.state).label,
        "accepted": amendment.state == AmendmentState.ACCEPTED,
        "decision_reason": amendment.decision_reason,
        "decided_at": amendment.decided_at,
    }


# Who is told


def programme_staff(but=None):
    """The active programme managers, but `but` (who did it needs no message)."""
    staff = get_user_model().objects.filter(
        is_active=True, groups__name=Role.PROGRAMME_MANAGER.value
    )
    if but is not None:
        staff = staff.exclude(pk=but.pk)
    return list(staff.distinct().order_by("pk"))


def lead_of(project):
    lead = project.application.lead
    return [lead] if lead is not None and lead.is_active else []


def team_of(project):
    """The lead and the team members who accepted their invitation (and are still named)."""
    rows = TeamMember.objects.filter(
        application=OuterRef("application"), email__iexact=OuterRef("email")
    )
    joined = (
        TeamInvitation.objects.filter(
            application_id=project.decision.application_id, accepted_by__is_active=True
        )
        .filter(Exists(rows))
        .select_related("accepted_by")
        .order_by("pk")
    )
    return [*lead_of(project), *(invitation.accepted_by for invitation in joined)]


def active(*people):
    return [person for person in people if person is not None and person.is_active]


# The events


def agreement_ready(version):
    """A version of the agreement is made, to be signed: the lead, the team members who joined,
    and the programme staff (but whoever made it) are told."""
    project = version.project
    notify(
        Event.AGREEMENT_READY,
        [*team_of(project), *programme_staff(but=version.created_by)],
        {**about_project(project), "agreement": agreement_facts(version)},
        url=project_url(project),
        about=f"projects.agreementversion:{version.pk}",
    )


def agreement_signed(version):
    """Both parties signed `version`: the lead is told."""
    if not version.is_signed:
        return
    project = version.project
    notify(
        Event.AGREEMENT_SIGNED,
        lead_of(project),
        {**about_project(project), "agreement": agreement_facts(version)},
        url=project_url(project),
        about=f"projects.agreementversion:{version.pk}",
    )


def payment_recorded(payment):
    """A payment recorded: the lead is told how much, when, and what remains to be paid."""
    project = payment.project
    paid = project.payments.aggregate(total=Sum("amount"))["total"]
    notify(
        Event.PAYMENT_RECORDED,
        lead_of(project),
        {**about_project(project), "payment": payment_facts(payment, paid)},
        url=project_url(project),
        about=f"projects.payment:{payment.pk}",
    )


def amendment_asked(amendment):
    """An amendment asked: programme staff (but whoever asked) are told."""
    project = amendment.project
    notify(
        Event.AMENDMENT_ASKED,
        programme_staff(but=amendment.asked_by),
        {**about_project(project), "amendment": amendment_facts(amendment)},
        url=project_url(project),
        about=f"projects.amendment:{amendment.pk}",
    )


def amendment_decided(amendment):
    """An amendment accepted or refused: the lead and whoever asked for it are told (not the
    person who decided)."""
    if amendment.is_open:
        return
    project = amendment.project
    told = [*lead_of(project), *active(amendment.asked_by)]
    notify(
        Event.AMENDMENT_DECIDED,
        [person for person in told if person.pk != amendment.decided_by_id],
        {**about_project(project), "amendment": amendment_facts(amendment)},
        url=project_url(project),
        about=f"projects.amendment:{amendment.pk}",
    )


# The daily reminder of agreements unsigned


def unsigned_agreements(now):
    """The latest version of each funded project not ended, unsigned, made
    AGREEMENT_REMINDER_DAYS ago or more (the first version, or a new one after an amendment),
    with its project, application and lead."""
    latest = AgreementVersion.objects.filter(project=OuterRef("project")).order_by("-number")
    return (
        AgreementVersion.objects.filter(
            signed_at__isnull=True,
            project__decision__outcome=Outcome.FUNDED,
            created_at__lte=now - dt.timedelta(days=settings.AGREEMENT_REMINDER_DAYS),
            pk=Subquery(latest.values("pk")[:1]),
        )
        .exclude(project__state__in=ProjectState.ended)
        .select_related("project__decision__application__lead", "project__carrier")
        .order_by("created_at", "pk")
    )


def reminder_facts(versions, now, *, for_staff):
    """for_staff: staff record the signatures; the lead has the agreement signed and returns it."""
    return {
        "agreements": [
            {
                **agreement_facts(version),
                "project": project_facts(version.project),
                "days": (now - version.created_at).days,
            }
            for version in versions
        ],
        "count": len(versions),
        "days": settings.AGREEMENT_REMINDER_DAYS,
        "for_staff": for_staff,
    }


def remind_unsigned_agreements(now=None):
    """Each lead is told of their agreements unsigned AGREEMENT_REMINDER_DAYS after they were
    made, and programme staff of all of them: one message per person and day (`about` names the
    day, so that a second run the same day tells nobody again). The versions are locked while
    the messages are written, so that two runs at once cannot both tell. Returns the number of
    messages written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    about = f"projects.agreements-unsigned:{today.isoformat()}"
    url = reverse("projects:late")
    with transaction.atomic():
        versions = list(unsigned_agreements(now).select_for_update(of=("self",)))
        if not versions:
            return 0
        per_lead = {}
        for version in versions:
            for lead in lead_of(version.project):
                per_lead.setdefault(lead, []).append(version)
        written = [
            *notify(
                Event.AGREEMENT_UNSIGNED_REMINDER,
                programme_staff(),
                reminder_facts(versions, now, for_staff=True),
                url=url,
                about=about,
            )
        ]
        for lead, theirs in per_lead.items():
            written += notify(
                Event.AGREEMENT_UNSIGNED_REMINDER,
                [lead],
                reminder_facts(theirs, now, for_staff=False),
                url=project_url(theirs[0].project),
                about=about,
            )
    return len(written)
