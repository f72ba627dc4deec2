"""Holding a dossier past its retention period (litigation, audit) and lifting the hold. Each
move locks the application, asks the rule staff's page reads (privacy.rules), writes or deletes
the Hold and logs a PrivacyEvent, in one transaction."""

import rules
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from common.errors import Refused

from .models import EventKind, Hold, PrivacyEvent


class HoldRefused(Refused):
    pass


def place_hold(application, reason, actor):
    """Keep `application` whole until the hold is lifted; `reason` is required."""
    reason = (reason or "").strip()
    if not reason:
        raise HoldRefused(problems={"reason": [_("Say why the dossier is kept.")]})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not rules.has_perm("privacy.place_hold", actor, application):
            raise HoldRefused(_("This dossier cannot be held: it is held or anonymised already."))
        hold = Hold.objects.create(application=application, reason=reason, placed_by=actor)
        PrivacyEvent.objects.create(
            kind=EventKind.HOLD_PLACED, application=application, actor=actor, note=reason
        )
    return hold


def lift_hold(application, actor):
    """Let the retention run anonymise `application` again when its period is over."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not rules.has_perm("privacy.lift_hold", actor, application):
            raise HoldRefused(_("This dossier is not held."))
        hold = Hold.objects.get(application=application)
        hold.delete()
        PrivacyEvent.objects.create(
            kind=EventKind.HOLD_LIFTED, application=application, actor=actor, note=hold.reason
        )
