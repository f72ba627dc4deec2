"""Funding agreements: the template staff edit per kind of call and language, the versions made
from it for a project (each frozen once made: its text and its PDF never change, and a signed
version is never replaced, only followed by a new one), and the signatures recorded on a version.

projects.agreements says how they change.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from calls.models import CallKind
from common.sandbox_checked import SandboxChecked
from common.storage import private_files

from .project import Project


def private_storage():
    return private_files


class AgreementTemplate(SandboxChecked, PreviewableMixin, models.Model):
    """The text of a funding agreement for one kind of call and one language, edited by staff in
    the admin and rendered in the locked-down engine (common.sandbox) over plain values."""

    kind = models.CharField(
        _("kind of call"),
        max_length=32,
        choices=CallKind.choices,
        blank=True,
        help_text=_("Leave empty for every kind of call that has no agreement of its own."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(
        _("agreement"),
        help_text=_(
            "{{ variable }}, {% if %}, {% for %} and the filters date, money and default, over "
            "the variables listed above."
        ),
    )

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language"], name="one_agreement_template_per_case"
            )
        ]

    def __str__(self):
        kind = self.get_kind_display() or _("Every kind")
        return f"{kind} ({self.language})"

    # Checked by the sandbox when saved (common.sandbox_checked).
    sandboxed_fields = ("title", "body")
    sample_failure = _("With sample data, this agreement fails: %(error)s")

    def sample_context(self):
        from ..agreement_text import sample_context

        return sample_context()

    def sample_preview(self):
        from ..agreement_text import preview

        return preview(self)

    def get_preview_template(self, request, mode_name):
        return "projects/agreements/template_preview.html"

    def get_preview_context(self, request, mode_name):
        from ..agreement_text import preview

        return preview(self)


class FrozenVersion(ValueError):
    """A change to an agreement version that was made (or signed): never allowed."""


def version_path(instance, filename):
    # The stored name never comes from a user: no traversal, nothing guessable.
    return f"projects/{instance.project_id}/agreement-{instance.number}-{instance.sha256}.pdf"


class AgreementVersion(models.Model):
    """One version of a project's agreement: its text as rendered, the figures it was made
    with, and its PDF, all frozen when it is made."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="agreement_versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"))
    figures = models.JSONField(_("figures"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to=version_path, storage=private_storage)
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    reason = models.TextField(_("why this version"), blank=True)
    amendment = models.ForeignKey(
        "projects.Amendment",
        verbose_name=_("amendment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_versions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    signed_at = models.DateTimeField(_("signed by both parties at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="one_agreement_version_per_number"
            )
        ]

    def __str__(self):
        return f"{self.project} v{self.number}"

    # What makes a version what it is: never changed once it exists.
    FROZEN = (
        "project_id",
        "number",
        "language",
        "title",
        "body",
        "figures",
        "pdf",
        "sha256",
        "reason",
        "amendment_id",
    )

    def save(self, *args, **kwargs):
        """A version once made never changes; a signed one not at all (its signatures record
        what was signed). Only signed_at, set once, may be added to an unsigned version."""
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None:
                if stored.signed_at is not None:
                    raise FrozenVersion(_("A signed agreement version never changes."))
                changed = [
                    name for name in self.FROZEN if getattr(stored, name) != getattr(self, name)
                ]
                if changed:
                    raise FrozenVersion(
                        _("An agreement version never changes once made: make a new version.")
                    )
        super().save(*args, **kwargs)

    @property
    def is_signed(self):
        return self.signed_at is not None


class Party(models.TextChoices):
    CARRIER = "carrier", _("Administrative carrier")
    NETWORK = "network", _("CollEx-Persée")


def signed_copy_path(instance, filename):
    return (
        f"projects/{instance.version.project_id}/agreement-{instance.version.number}"
        f"-{instance.party}-{instance.sha256}.pdf"
    )


class Signature(models.Model):
    """One party's signature of one agreement version: who signed, when, and the signed copy
    (a PDF, checked by content, in private storage)."""

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("agreement version"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_role = models.CharField(_("signer's role"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"))
    signed_copy = models.FileField(
        _("signed copy"), upload_to=signed_copy_path, storage=private_storage
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["version", "signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "party"], name="one_signature_per_party")
        ]

    def __str__(self):
        return f"{self.version} {self.get_party_display()}"
