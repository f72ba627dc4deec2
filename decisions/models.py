"""Funding decisions, budget envelopes and decision letters.

A decision is made in two steps: the scientific council proposes (funded with an amount, reserve
list, rejected), then the deciding body (the members' council by default, or the operational
committee) decides at a meeting. Changes go through decisions.services, never through a view
writing these fields; every change is in the application's audit trail.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Now, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from applications.models import Application
from calls.models import MONEY, CallKind, Programme
from common.formats import PARIS
from common.sandbox_checked import SandboxChecked
from labels.models import LabelPeriod


class Body(models.TextChoices):
    """The body whose decision is final."""

    MEMBERS_COUNCIL = "members_council", _("Members' council")
    OPERATIONAL_COMMITTEE = "operational_committee", _("Operational committee")


class Outcome(models.TextChoices):
    FUNDED = "funded", _("Funded")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")
    # A CollEx label call's positive outcome: the collection is labelled (labels.services).
    LABELLED = "labelled", _("Labelled")
    # A funded project that gave its grant up: its money returns to the envelope.
    WITHDRAWN = "withdrawn", _("Funding withdrawn")


# What the scientific council may propose and a body may decide; a label call's applications
# are labelled or rejected (proposable(call)).
PROPOSABLE = (Outcome.FUNDED, Outcome.RESERVE, Outcome.REJECTED)
LABEL_OUTCOMES = (Outcome.LABELLED, Outcome.REJECTED)


def proposable(call):
    return LABEL_OUTCOMES if call.grants_labels else PROPOSABLE


class DecisionQuerySet(models.QuerySet):
    def announced(self):
        """The funded decisions that may be public (the funded projects page, its CSV and JSON
        files, the API): the lead was told, by a letter sent for the funded outcome, or the
        publication date that staff set has come (Paris time). Until then, recording the
        decision publishes nothing. Today is the database's, so that a queryset built once (a
        filter's list of choices) stays right after midnight."""
        told = Letter.objects.filter(decision=OuterRef("pk"), outcome=Outcome.FUNDED)
        today = TruncDate(Now(), tzinfo=PARIS)
        return self.filter(outcome=Outcome.FUNDED).filter(
            Exists(told) | Q(publication_date__lte=today)
        )


class Decision(models.Model):
    """The scientific council's proposal and the deciding body's decision on one application."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="decision",
    )
    # The scientific council's proposal.
    proposed_outcome = models.CharField(
        _("proposal"),
        max_length=20,
        choices=[(o.value, o.label) for o in PROPOSABLE + (Outcome.LABELLED,)],
        blank=True,
    )
    proposed_amount = models.DecimalField(
        _("proposed amount (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    proposal_motivation = models.TextField(_("motivation of the proposal"), blank=True)
    proposal_meeting_date = models.DateField(_("scientific council meeting"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposal recorded at"), null=True, blank=True)

    # The deciding body's decision.
    body = models.CharField(
        _("deciding body"), max_length=30, choices=Body.choices, default=Body.MEMBERS_COUNCIL
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    amount_granted = models.DecimalField(
        _("amount granted (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    conditions = models.TextField(_("conditions"), blank=True)
    reserve_rank = models.PositiveSmallIntegerField(
        _("rank on the reserve list"), null=True, blank=True
    )
    motivation = models.TextField(_("motivation"), blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decision recorded at"), null=True, blank=True)
    # The reason given when this decision was allowed past the envelope (also in the audit trail).
    override_reason = models.TextField(_("reason for exceeding the envelope"), blank=True)
    # A funded project is public once its letter is sent, or from this date (see announced()).
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        permissions = [
            ("record_decisions", "Can record proposals and decisions"),
            ("read_decisions", "Can read decisions and governance reports"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome=Outcome.FUNDED, amount_granted__isnull=False)
                | ~Q(outcome=Outcome.FUNDED),
                name="funded_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.RESERVE, reserve_rank__isnull=False)
                | ~Q(outcome=Outcome.RESERVE),
                name="reserve_has_rank",
            ),
        ]

    def __str__(self):
        return f"{self.application.reference}: {self.get_outcome_display() or '-'}"

    @property
    def is_decided(self):
        return bool(self.outcome)

    @property
    def is_funded(self):
        return self.outcome == Outcome.FUNDED

    @property
    def is_labelled(self):
        return self.outcome == Outcome.LABELLED

    @property
    def is_on_reserve_list(self):
        return self.outcome == Outcome.RESERVE

    def is_public(self):
        """Whether what this decision granted is public today: its funded project
        (Decision.objects.announced()) or its labelled collection (labels.LabelPeriod's
        announced_on, set by decisions.letters.announce_label_of)."""
        if self.is_funded:
            return Decision.objects.announced().filter(pk=self.pk).exists()
        if self.is_labelled:
            today = timezone.now().astimezone(PARIS).date()
            return LabelPeriod.objects.filter(
                reference=self.application.reference, announced_on__lte=today
            ).exists()
        return False


class Envelope(models.Model):
    """The network's money for a programme (or for cross-programme calls) in one year; each call
    also has its own envelope. A call counts in the year its submissions closed (Paris time)."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="envelopes",
        help_text=_("Leave empty for the cross-programme calls."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("envelope (EUR)"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("budget envelope")
        verbose_name_plural = _("budget envelopes")
        ordering = ["-year", "programme__position", "programme__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"],
                condition=Q(programme__isnull=False),
                name="one_envelope_per_programme_and_year",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(programme__isnull=True),
                name="one_cross_programme_envelope_per_year",
            ),
        ]

    def __str__(self):
        programme = self.programme or _("Cross-programme")
        return f"{programme} {self.year}"


class LetterTemplate(SandboxChecked, PreviewableMixin, models.Model):
    """The text of a decision letter for one kind of call, one outcome and one language, edited
    by staff in the admin (Django template language). Without one, the files in
    templates/decisions/letters/ are used."""

    kind = models.CharField(
        _("kind of call"),
        max_length=32,
        choices=CallKind.choices,
        blank=True,
        help_text=_("Leave empty for every kind of call that has no letter of its own."),
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(
        _("letter"),
        help_text=_(
            "{{ variable }}, {% if %}, {% for %} and the filters date, money and default, over "
            "the variables listed above."
        ),
    )

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind", "outcome", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "outcome", "language"], name="one_letter_template_per_case"
            )
        ]

    def __str__(self):
        kind = self.get_kind_display() or _("Every kind")
        return f"{kind}: {self.get_outcome_display()} ({self.language})"

    # Checked by the sandbox when saved (common.sandbox_checked).
    sandboxed_fields = ("subject", "body")
    sample_failure = _("With sample data, this letter fails: %(error)s")

    def sample_context(self):
        from .letters import sample_context

        return sample_context(self.outcome or Outcome.FUNDED)

    def sample_preview(self):
        from .letters import preview

        return preview(self)

    def get_preview_template(self, request, mode_name):
        return "decisions/letters/template_preview.html"

    def get_preview_context(self, request, mode_name):
        from .letters import preview

        return preview(self)


class Letter(models.Model):
    """A decision letter as it was written to the applicant: its text is kept, so that the PDF
    and the e-mail read the same today and in ten years."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="letters"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("letter"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.subject
