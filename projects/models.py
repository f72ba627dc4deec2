"""Funded projects: what a funded decision becomes once its letter is sent (issue 17).

One project per funded decision, never two (the database says so), carried by an institution
of the directory. Its state changes only through projects.services (the PROJECT table of
common.transitions); every change is in the application's audit trail, about the project.
"""

import calendar
import datetime as dt
from enum import nonmember

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from calls.models import MONEY
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


def add_months(start, months):
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


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


class Condition(models.TextChoices):
    """What must have happened before an instalment is paid (without an override)."""

    NONE = "none", _("None")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    DELIVERABLE_DECLARED = "deliverable_declared", _("Deliverable declared")


class Instalment(models.Model):
    """One line of a project's payment schedule. The instalments of a project add up to its
    amount granted, to the cent: projects.payments.set_schedule sees to it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="instalments"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("label"), max_length=200)
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The share staff gave, when they gave one rather than an amount."),
    )
    planned_on = models.DateField(_("planned date"))
    condition = models.CharField(
        _("condition"), max_length=30, choices=Condition.choices, default=Condition.NONE
    )

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"], name="one_instalment_per_position"
            )
        ]

    def __str__(self):
        return self.label


class Payment(models.Model):
    """Money paid on an instalment, as the accounting system recorded it. The project is kept
    beside the instalment so that the database refuses the same accounting reference twice on
    one project (the same payment recorded twice)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="payments"
    )
    instalment = models.ForeignKey(
        Instalment, verbose_name=_("instalment"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    reference = models.CharField(_("accounting reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    override_reason = models.TextField(_("reason for paying without the condition"), blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reference"], name="one_payment_per_reference"
            )
        ]

    def __str__(self):
        return self.reference
