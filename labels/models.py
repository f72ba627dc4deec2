"""The registry of labelled collections: each collection's descriptive record, its holders, the
label periods that decisions granted it, the versions of its record, and renewal campaigns.

The registry sits low, beside the directory of institutions: applications and projects name
collections, and the decision that labels one writes it through labels.services. A collection
exists only because a label call's application was decided "labelled"; nobody creates one by
hand. Its label state is derived from its periods' dates (labels.status), never typed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Discipline, Institution
from calls.translated import TranslatedField
from common.formats import PARIS

from .vocabularies import Language, Material, Period, Region

SIZE = {"max_digits": 9, "decimal_places": 1}
COORDINATE = {"max_digits": 9, "decimal_places": 6}


class CollectionQuerySet(models.QuerySet):
    def labelled_on(self, day):
        """Collections whose label holds on `day` (a Paris date): its last day included."""
        return self.filter(expires_on__gte=day)

    def expired_on(self, day):
        return self.filter(expires_on__lt=day)

    def public(self, day=None):
        """Collections the public may see on `day` (a Paris date; by default the database's
        today in Paris, so that a queryset built once stays right after midnight): one of
        their periods was announced by then (its letter sent, or the publication date staff
        set has come), as Decision.objects.announced() says of funded projects. Recording a
        label decision publishes nothing. A collection stays public from its first announced
        period on: an unannounced renewal does not hide it (kept simple, on purpose)."""
        if day is None:
            day = TruncDate(Now(), tzinfo=PARIS)
        announced = LabelPeriod.objects.filter(
            collection=models.OuterRef("pk"), announced_on__lte=day
        )
        return self.filter(models.Exists(announced))


def code_of(pk):
    """A collection's code from its number: CX0042."""
    return f"CX{pk:04d}"


class Collection(models.Model):
    """A labelled collection of excellence and its descriptive record.

    Its public address is made of its number (`pk`), never of its name: a rename changes
    nothing for those who cite it. The record's multi-valued facts (materials, languages,
    periods) are CollectionTerm rows so that the directory filters them in the database on
    SQLite as on PostgreSQL; each change of the record is a RecordVersion.
    """

    name_fr = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    summary_fr = models.TextField(_("description"), max_length=3000)
    summary_en = models.TextField(_("description in English"), max_length=3000, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("holding institution"),
        on_delete=models.PROTECT,
        related_name="labelled_collections",
    )
    service = models.CharField(
        _("library or archive service"),
        max_length=255,
        blank=True,
        help_text=_("The service that keeps the collection, such as its library."),
    )
    disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines"), related_name="labelled_collections"
    )
    size_linear_metres = models.DecimalField(
        _("size (linear metres)"), null=True, blank=True, **SIZE
    )
    size_volumes = models.PositiveIntegerField(_("size (volumes)"), null=True, blank=True)
    size_items = models.PositiveIntegerField(_("size (items)"), null=True, blank=True)
    access_fr = models.TextField(_("access conditions"), max_length=2000, blank=True)
    access_en = models.TextField(_("access conditions in English"), max_length=2000, blank=True)
    # {scheme: value} for labels.vocabularies.CatalogueScheme, checked by labels.records.
    links = models.JSONField(_("catalogues and identifiers"), default=dict, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=3, choices=Region.choices)
    latitude = models.DecimalField(_("latitude"), null=True, blank=True, **COORDINATE)
    longitude = models.DecimalField(_("longitude"), null=True, blank=True, **COORDINATE)
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CollectionHolder",
        through_fields=("collection", "user"),
        related_name="held_collections",
        verbose_name=_("holders"),
    )
    # The label's dates, kept equal to its periods' by labels.services (the directory filters
    # and sorts on them): the first period's start and the last period's last day.
    labelled_since = models.DateField(_("labelled since"))
    expires_on = models.DateField(_("label valid until"))
    # Raised by each change of the record, so that a stale edit is refused (common.versions).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectionQuerySet.as_manager()

    name = TranslatedField("name_fr", "name_en")
    summary = TranslatedField("summary_fr", "summary_en")
    access = TranslatedField("access_fr", "access_en")

    class Meta:
        verbose_name = _("labelled collection")
        verbose_name_plural = _("labelled collections")
        ordering = ["name_fr", "pk"]
        permissions = [("manage_collections", "Can manage labelled collections and renewals")]
        indexes = [models.Index(fields=["expires_on"]), models.Index(fields=["region"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("labels:collection", args=[self.pk])

    @property
    def code(self):
        """The collection's stable identifier, as its page and the open data give it."""
        return code_of(self.pk)


class Facet(models.TextChoices):
    MATERIAL = "material", _("kind of material")
    LANGUAGE = "language", _("language")
    PERIOD = "period", _("period")


# The vocabulary of each facet.
FACET_CHOICES = {Facet.MATERIAL: Material, Facet.LANGUAGE: Language, Facet.PERIOD: Period}


class CollectionTerm(models.Model):
    """One value of a collection's multi-valued fact: a kind of material, a language, a period."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="terms")
    facet = models.CharField(max_length=10, choices=Facet.choices)
    code = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "facet", "code"], name="one_term_per_collection"
            )
        ]
        indexes = [models.Index(fields=["facet", "code"])]

    def __str__(self):
        return f"{self.facet}: {self.code}"


class HolderRole(models.TextChoices):
    LEAD = "lead", _("Lead holder")
    INVITED = "invited", _("Invited holder")


class CollectionHolder(models.Model):
    """A person who keeps a collection's record: the lead of the application that labelled it,
    and whom a holder invited."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="holdings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collection_holdings"
    )
    role = models.CharField(_("role"), max_length=10, choices=HolderRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "user"], name="one_holding_per_person")
        ]

    def __str__(self):
        return f"{self.user} - {self.collection}"


class HolderInvitation(models.Model):
    """A holder invites someone by e-mail to keep the record with them; the link's token is
    stored hashed, as the team invitations' are, and works once."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} - {self.collection_id}"


class PeriodKind(models.TextChoices):
    FIRST = "first", _("First label")
    RENEWAL = "renewal", _("Renewal")


class LabelPeriod(models.Model):
    """A label granted by a decision, from its first day to its last (both included). A
    renewal's period follows the previous one without a gap; the periods are the label's
    history and are never deleted, a lapsed label included."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    starts_on = models.DateField(_("from"))
    expires_on = models.DateField(_("until"))
    # The decision: the application it decided (by reference, as labels sits below
    # applications) and the meeting's date. One application labels at most once.
    reference = models.CharField(_("application"), max_length=40, unique=True)
    decided_on = models.DateField(_("decided on"))
    call_title_fr = models.CharField(_("call"), max_length=255)
    call_title_en = models.CharField(_("call in English"), max_length=255, blank=True)
    # The day the label is public from (Paris): its letter sent, or the publication date staff
    # set on its decision (labels.services.announce_label); none until then.
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    call_title = TranslatedField("call_title_fr", "call_title_en")

    class Meta:
        ordering = ["collection", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("starts_on")), name="period_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.collection_id}: {self.starts_on} - {self.expires_on}"


class VersionSource(models.TextChoices):
    DECISION = "decision", _("Label decision")
    HOLDER = "holder", _("Holder's edit")
    STAFF = "staff", _("Staff edit")


class RecordVersion(models.Model):
    """The whole record as it was after one change, with who changed it and why: staff read
    the history and what each change did (labels.records.differences)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    record = models.JSONField(_("record"))
    source = models.CharField(_("source"), max_length=10, choices=VersionSource.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collection", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.collection_id} v{self.number}"


class LapseNotice(models.Model):
    """That a collection's label lapsed on a day was recorded and its holders told, once (the
    daily task may run twice); the lapse itself is derived from the dates."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="lapses")
    expired_on = models.DateField(_("label valid until"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "expired_on"], name="one_lapse_notice")
        ]

    def __str__(self):
        return f"{self.collection_id}: {self.expired_on}"


class RenewalCampaign(models.Model):
    """Staff invite the holders of the labels that expire by a date to apply to a label call
    with their current record pre-filled."""

    call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("renewal call"),
        on_delete=models.PROTECT,
        related_name="renewal_campaigns",
    )
    expiring_by = models.DateField(_("labels that expire by"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("renewal campaign")
        verbose_name_plural = _("renewal campaigns")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.call_id}: {self.expiring_by}"


class RenewalInvitation(models.Model):
    """A collection invited to renew its label through a campaign's call (once per call)."""

    campaign = models.ForeignKey(
        RenewalCampaign, on_delete=models.CASCADE, related_name="invitations"
    )
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="renewal_invitations"
    )
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "collection"], name="one_invitation_per_call")
        ]

    def __str__(self):
        return f"{self.call_id}: {self.collection_id}"
