"""Amendments ("avenants"): what the lead or staff ask to change in a funded project, and what
staff or the deciding body answered. projects.amendments says how they are asked, decided and
what an accepted one changes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from calls.models import MONEY
from common.storage import private_files

from .project import Project


def private_storage():
    return private_files


class AmendmentKind(models.TextChoices):
    EXTENSION = "extension", _("Extension of the end date")
    REALLOCATION = "reallocation", _("Reallocation between budget categories")
    TEAM_CHANGE = "team_change", _("Change in the team")
    CARRIER_CHANGE = "carrier_change", _("Change of administrative carrier")
    GIVE_BACK = "give_back", _("Giving back part of the grant")


class AmendmentState(models.TextChoices):
    ASKED = "asked", _("Asked")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


def attachment_path(instance, filename):
    return f"projects/{instance.project_id}/amendment-{instance.sha256}"


class Amendment(models.Model):
    """One request to change a funded project, with its justification, and the answer."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="amendments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AmendmentKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=AmendmentState.choices, default=AmendmentState.ASKED
    )
    justification = models.TextField(_("justification"))
    # What the kind changes: the months added, the money given back, the new carrier, the
    # budget categories' new amounts ({category: amount}) or the team's change (free text).
    extension_months = models.PositiveSmallIntegerField(_("months added"), null=True, blank=True)
    amount = models.DecimalField(_("amount given back (EUR)"), null=True, blank=True, **MONEY)
    new_carrier = models.ForeignKey(
        Institution,
        verbose_name=_("new administrative carrier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reallocation = models.JSONField(_("new amounts per budget category"), default=dict, blank=True)
    team_change = models.TextField(_("change in the team"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, storage=private_storage, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    attachment_type = models.CharField(_("type"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["project", "asked_at", "pk"]

    def __str__(self):
        return f"{self.project}: {self.get_kind_display()}"

    @property
    def is_open(self):
        return self.state == AmendmentState.ASKED
