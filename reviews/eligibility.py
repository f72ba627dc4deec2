"""Eligibility screening: staff tick the call's checklist and mark an application eligible or
ineligible with a reason; the lead is told."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import is_programme_staff
from applications.facts import application_facts
from applications.models import ApplicationState
from applications.services import APPLICATION, locked
from common.permissions import require
from common.transitions import perform
from notifications.events import Event
from notifications.services import notify

from .confidentiality import redact_reviewers
from .errors import ReviewError
from .models import EligibilityScreening


def screen_application(application, actor, *, checks, eligible, reason=""):
    """Record the checklist and the result; move the application and tell its lead.

    `checks` maps each checklist point's id to True (met) or False. Eligible needs every point
    met; ineligible needs a reason, which the lead reads. Screening again with the same result
    updates the record without telling the lead twice.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        application = locked(application)
        require(
            actor,
            "reviews.screen_application",
            application,
            ReviewError,
            _("An application that is %(state)s cannot be screened.")
            % {"state": application.get_state_display().lower()}
            if is_programme_staff(actor)
            else _("Only programme staff screen applications."),
        )
        points = list(application.call.eligibility_checks.values_list("pk", flat=True))
        ticked = {str(pk): bool(checks.get(str(pk), checks.get(pk))) for pk in points}
        if eligible and not all(ticked.values()):
            raise ReviewError(
                _("Every point of the checklist must be met for the application to be eligible.")
            )
        if not eligible and not reason:
            raise ReviewError(
                _("Say why the application is ineligible: the applicant will read it."),
                {"reason": [_("This field is required.")]},
            )
        EligibilityScreening.objects.update_or_create(
            application=application,
            defaults={
                "checks": ticked,
                "eligible": eligible,
                "reason": reason,
                "screened_by": actor,
            },
        )
        target = ApplicationState.ELIGIBLE if eligible else ApplicationState.INELIGIBLE
        if application.state == target:
            return application
        return perform(
            application,
            "mark_eligible" if eligible else "mark_ineligible",
            actor,
            APPLICATION,
            reason=reason,
            notify=lambda application: tell_lead(application, eligible, reason),
        )


def tell_lead(application, eligible, reason):
    """The lead reads the result, and why when ineligible, with no reviewer named."""
    notify(
        Event.ELIGIBILITY_RESULT,
        [application.lead],
        {
            "application": application_facts(application),
            "eligible": eligible,
            "reason": redact_reviewers(application, reason),
        },
        url=reverse("applications:edit", args=[application.pk]),
    )
