"""Funded projects: what a funded decision becomes once its letter is sent (issue 17).

One project per funded decision, never two (the database says so), carried by an institution
of the directory. Its state changes only through projects.services (the PROJECT table of
common.transitions); every change is in the application's audit trail, about the project.
"""

import datetime as dt
from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from calls.models import MONEY
from common.months import add_months
from decisions.models import Decision


class ProjectState(models.TextChoices):
    AGREEMENT_PREPARATION = "agreement_preparation", _("Agreement in preparation")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    RUNNING = "running", _("Running")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")

    # The states a project is in for a reason that staff gave (not states of their own).
    with_reason = nonmember(("suspended", "terminated"))
    # The states after which no money moves any more.
    ended = nonmember(("closed", "terminated"))
    # The states in which an amendment may be asked: once the agreement is signed (an amendment
    # changes a signed agreement; before, staff change the project directly), until it ends.
    amendable = nonmember(("agreement_signed", "running", "suspended", "closing"))


class Project(models.Model):
    """A funded decision followed after its letter: agreement, dates, state.

    The application is reached through the decision (project.application), never stored twice:
    a second link could disagree with the decision's, and the decision is what makes a project."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="project"
    )
    carrier = models.ForeignKey(
        Institution,
        verbose_name=_("administrative carrier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_projects",
    )
    finance_contact_name = models.CharField(_("finance contact"), max_length=200, blank=True)
    finance_contact_email = models.EmailField(_("finance contact's e-mail"), blank=True)
    amount_granted = models.DecimalField(_("amount granted (EUR)"), **MONEY)
    signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    state = models.CharField(
        _("state"),
        max_length=30,
        choices=ProjectState.choices,
        default=ProjectState.AGREEMENT_PREPARATION,
    )
    state_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.application.reference

    @property
    def application(self):
        return self.decision.application

    @property
    def end_date(self):
        """The last day of the project: its start plus its duration, the day before."""
        if self.start_date is None or not self.duration_months:
            return None
        return add_months(self.start_date, self.duration_months) - dt.timedelta(days=1)

    @property
    def shows_reason(self):
        return self.state in ProjectState.with_reason

    @property
    def agreement_is_signed(self):
        return self.signed_on is not None
