"""What a funded project produced and declares: datasets, digitised corpora, software,
publications, tools, each with a persistent identifier whose syntax is checked
(common.identifiers) and a licence. Public ones appear on the project's public page and in
the open data. projects.deliverables says how they are declared."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from calls.models import DeliverableKind
from common import identifiers

from .project import Project


class IdentifierScheme(models.TextChoices):
    DOI = "doi", "DOI"
    HAL = "hal", "HAL"
    ARK = "ark", "ARK"
    HANDLE = "handle", "Handle"
    SWHID = "swhid", "Software Heritage (SWHID)"
    PPN = "ppn", _("Sudoc (PPN)")
    URL = "url", _("Web address only")


class Licence(models.TextChoices):
    ETALAB_2 = "etalab-2.0", _("Licence Ouverte / Open Licence 2.0")
    CC_BY_4 = "CC-BY-4.0", "CC BY 4.0"
    CC_BY_SA_4 = "CC-BY-SA-4.0", "CC BY-SA 4.0"
    CC0 = "CC0-1.0", "CC0 1.0"
    ODBL = "ODbL-1.0", "ODbL 1.0"
    MIT = "MIT", "MIT"
    APACHE_2 = "Apache-2.0", "Apache 2.0"
    GPL_3 = "GPL-3.0-or-later", _("GPL 3.0 or later")
    EUPL = "EUPL-1.2", "EUPL 1.2"
    OTHER = "other", _("Other licence")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


class Deliverable(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="deliverables"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DeliverableKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    identifier_scheme = models.CharField(
        _("identifier"), max_length=16, choices=IdentifierScheme.choices
    )
    # Normalised by common.identifiers (a DOI without its resolver, an ARK from "ark:"...).
    identifier = models.CharField(_("persistent identifier"), max_length=300, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=32, choices=Licence.choices)
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Shown on the project's public page and in the open data."),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["project", "declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "identifier_scheme", "identifier"],
                condition=~models.Q(identifier=""),
                name="one_deliverable_per_identifier",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def link(self):
        """Where to read it: its identifier's resolver (https://doi.org/...), or else its web
        address."""
        return identifiers.link(self.identifier_scheme, self.identifier) or self.url
