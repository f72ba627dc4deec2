"""A funded project's money: its payment schedule and the payments made on it
(projects.payments says how they change)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from calls.models import MONEY

from .project import Project


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
    # The report whose acceptance the condition "report accepted" waits for.
    report = models.ForeignKey(
        "projects.ProjectReport",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instalments",
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
    # The carrier paid, as it was when the payment was recorded: a later carrier change does not
    # rewrite whom past money went to. Empty for payments recorded before it was kept.
    carrier = models.ForeignKey(
        Institution,
        verbose_name=_("administrative carrier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
