"""What the platform records about its own handling of personal data: the dossiers kept past
their period (holds), what was anonymised (once each), and every export and erasure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Hold(models.Model):
    """A dossier kept whole past its retention period (litigation, audit), with the reason. The
    retention run skips it while the hold exists; lifting it deletes the row (the event log keeps
    both)."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="retention_hold",
    )
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention hold")
        verbose_name_plural = _("retention holds")
        ordering = ["-placed_at"]

    def __str__(self):
        return str(self.application)


class Anonymisation(models.Model):
    """One row per application or account whose personal data were removed: the one-to-one keys
    make a second anonymisation of the same record impossible, and the row is written in the same
    transaction as the removal, so that a failure leaves neither."""

    application = models.OneToOneField(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="anonymisation",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="anonymisation",
    )
    # The retention rule (a key of privacy.register.RETENTION_RULES) or "erasure" (asked by the
    # person).
    rule = models.CharField(_("rule"), max_length=40)
    done_at = models.DateTimeField(_("anonymised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-done_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=True) ^ models.Q(user__isnull=True),
                name="anonymisation_of_one_record",
            )
        ]

    def __str__(self):
        return f"{self.rule} {self.application_id or self.user_id}"


class SnapshotRewrite(models.Model):
    """A submitted snapshot rewritten by privacy (its application anonymised, or a person named
    in it erased), with the fingerprint of the content written: `manage.py verify_integrity`
    compares a rewritten snapshot with its latest rewrite, so that tampering after the rewrite is
    still found. One row per rewrite; the Anonymisation is the one that made it."""

    submission = models.ForeignKey(
        "applications.Submission", on_delete=models.CASCADE, related_name="rewrites"
    )
    anonymisation = models.ForeignKey(
        Anonymisation, on_delete=models.CASCADE, related_name="snapshot_rewrites"
    )
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    at = models.DateTimeField(_("rewritten at"), auto_now_add=True)

    class Meta:
        verbose_name = _("snapshot rewrite")
        verbose_name_plural = _("snapshot rewrites")
        ordering = ["submission", "-at", "-pk"]

    def __str__(self):
        return f"{self.submission_id} {self.at:%Y-%m-%d}"


class EventKind(models.TextChoices):
    EXPORT = "export", _("Personal data exported")
    ERASURE = "erasure", _("Account erased")
    ERASURE_REFUSED = "erasure_refused", _("Erasure refused")
    RETENTION_RUN = "retention_run", _("Retention run")
    HOLD_PLACED = "hold_placed", _("Hold placed")
    HOLD_LIFTED = "hold_lifted", _("Hold lifted")


class PrivacyEvent(models.Model):
    """The log of what was done with personal data: exports, erasures (and refusals), retention
    runs with their counts, holds placed and lifted. It names no one once the person is erased:
    `person` is the erased account's row, which keeps only a placeholder."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("application"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    # Counts of a retention run, per rule and per kind of row: plain numbers, no personal data.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data event")
        verbose_name_plural = _("personal data events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d}"


# The privacy notice page lives in its own module; imported here so that Django finds its model.
from .pages import PrivacyNoticePage  # noqa: E402, F401
