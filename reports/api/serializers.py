"""What the API gives for a call, a funded project, a deliverable and a labelled collection.

A funded project reads exactly as a row of the open data files (reports.opendata.record); the
fields declared here describe it in the OpenAPI schema, and a test checks they are the same keys.
"""

import datetime as dt

from django.conf import settings
from django.utils import translation
from rest_framework import serializers

from calls.models import CallKind, CallPhase, DeliverableKind
from labels.status import LabelState
from labels.vocabularies import Language, Material, Period, Region
from projects.models import IdentifierScheme, Licence, ProjectState
from reports.opendata import CURRENCY, record
from reports.opendata_datasets import deliverable_record
from reports.opendata_registry import collection_record


class CallSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True, help_text="Stable identifier of the call.")
    title_fr = serializers.CharField(read_only=True)
    title_en = serializers.CharField(read_only=True, help_text="Empty when not translated.")
    kind = serializers.ChoiceField(choices=CallKind.choices, read_only=True)
    programme = serializers.CharField(
        source="programme.code",
        read_only=True,
        allow_null=True,
        help_text="Code of the programme; null for a cross-programme call.",
    )
    opens_at = serializers.DateTimeField(read_only=True, default_timezone=dt.UTC)
    closes_at = serializers.DateTimeField(
        read_only=True, default_timezone=dt.UTC, help_text="The deadline (UTC)."
    )
    phase = serializers.ChoiceField(choices=CallPhase.choices, read_only=True)
    envelope = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text="Budget envelope, in euros."
    )
    max_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="Maximum per application, in euros.",
    )
    url = serializers.SerializerMethodField(help_text="The call's public page.")

    def get_url(self, call) -> str:
        request = self.context.get("request")
        with translation.override(settings.LANGUAGE_CODE):  # the same URL whoever asks
            path = call.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class FundedProjectSerializer(serializers.Serializer):
    id = serializers.CharField(
        read_only=True, help_text="Stable reference of the application, such as 003-00042."
    )
    title = serializers.CharField(read_only=True)
    call = serializers.CharField(read_only=True, help_text="Title of the call, in French.")
    call_slug = serializers.SlugField(read_only=True)
    programme = serializers.CharField(
        read_only=True, allow_null=True, help_text="Code of the programme; null: cross-programme."
    )
    year = serializers.IntegerField(
        read_only=True, help_text="Year of the call's deadline, in Paris time."
    )
    lead_institution = serializers.CharField(read_only=True, allow_null=True)
    lead_institution_ror = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="ROR identifier (https://ror.org/<id>) of the lead institution, where known.",
    )
    amount_granted = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    currency = serializers.ChoiceField(choices=[(CURRENCY, CURRENCY)], read_only=True)
    summary = serializers.CharField(
        read_only=True, help_text="The applicant's summary of the project; may be empty."
    )
    decided_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="Date of the meeting that decided."
    )
    page_url = serializers.URLField(read_only=True, help_text="The project's public page.")
    state = serializers.ChoiceField(
        choices=ProjectState.choices,
        read_only=True,
        allow_null=True,
        help_text="The project's state; null until the funding letter is sent.",
    )
    agreement_signed_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="Date the funding agreement was signed."
    )
    start_date = serializers.DateField(read_only=True, allow_null=True)
    end_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="Last day of the project, extensions included."
    )
    grantor_name = serializers.CharField(
        read_only=True, help_text="The network that grants the money (SCDL: nomAttribuant)."
    )
    beneficiary_name = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The administrative carrier, which receives the money (SCDL: nomBeneficiaire).",
    )
    beneficiary_ror = serializers.CharField(
        read_only=True, allow_null=True, help_text="ROR identifier of the administrative carrier."
    )
    payment_conditions = serializers.ChoiceField(
        choices=[("single", "single"), ("instalments", "instalments")],
        read_only=True,
        allow_null=True,
        help_text="One payment or several (SCDL: conditionsVersement); null before the schedule.",
    )
    payment_period = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The single payment's date, or the first and last planned dates as "
        "YYYY-MM-DD/YYYY-MM-DD (SCDL: datesPeriodeVersement).",
    )
    collections = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Codes of the labelled collections the project worked on, separated by "
        "semicolons, such as CX0007;CX0042 (the registry's codes); null if it names none.",
    )

    def to_representation(self, instance):
        return record(instance)


class DeliverableSerializer(serializers.Serializer):
    """A public deliverable, as a row of the deliverables file (reports.opendata_datasets)."""

    id = serializers.IntegerField(read_only=True, help_text="Stable identifier of the deliverable.")
    project_id = serializers.CharField(
        read_only=True, help_text="Reference of its funded project (/api/v1/projects/<id>/)."
    )
    kind = serializers.ChoiceField(choices=DeliverableKind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, help_text="May be empty.")
    identifier_scheme = serializers.ChoiceField(choices=IdentifierScheme.choices, read_only=True)
    identifier = serializers.CharField(
        read_only=True, allow_null=True, help_text="Persistent identifier, without its resolver."
    )
    url = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="The identifier's resolver address, else the address it was declared with.",
    )
    licence = serializers.ChoiceField(
        choices=Licence.choices, read_only=True, help_text="SPDX identifier of its licence."
    )
    declared_on = serializers.DateField(read_only=True, help_text="In Paris time.")

    def to_representation(self, instance):
        return deliverable_record(instance)


def codes(help_text):
    return serializers.ListField(child=serializers.CharField(), read_only=True, help_text=help_text)


def catalogue_link(help_text):
    return serializers.CharField(read_only=True, allow_null=True, help_text=help_text)


class CollectionSerializer(serializers.Serializer):
    """A labelled collection, as a row of the registry's files (reports.opendata_registry);
    lists are arrays here, codes separated by semicolons in the CSV file."""

    code = serializers.CharField(
        read_only=True, help_text="Stable code of the collection in the registry, such as CX0042."
    )
    page_url = serializers.URLField(read_only=True, help_text="The collection's public page.")
    name_fr = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True, help_text="Empty when not translated.")
    summary_fr = serializers.CharField(read_only=True, help_text="Description, in French.")
    summary_en = serializers.CharField(read_only=True, help_text="Empty when not translated.")
    institution = serializers.CharField(read_only=True, help_text="The holding institution.")
    institution_ror = serializers.CharField(
        read_only=True, allow_null=True, help_text="ROR identifier of the institution, if known."
    )
    service = serializers.CharField(read_only=True, help_text="Its library or archive service.")
    disciplines = codes("Codes of its disciplines.")
    discipline_names_fr = codes("Names of its disciplines in French, in the codes' order.")
    discipline_names_en = codes("Names of its disciplines in English, in the codes' order.")
    materials = codes("Kinds of material: " + ", ".join(Material.values) + ".")
    languages = codes("ISO 639 codes of its languages: " + ", ".join(Language.values) + ".")
    periods = codes("Periods: " + ", ".join(Period.values) + ".")
    size_linear_metres = serializers.DecimalField(
        max_digits=9, decimal_places=1, read_only=True, allow_null=True
    )
    size_volumes = serializers.IntegerField(read_only=True, allow_null=True)
    size_items = serializers.IntegerField(read_only=True, allow_null=True)
    access_fr = serializers.CharField(read_only=True, help_text="Access conditions, in French.")
    access_en = serializers.CharField(read_only=True, help_text="Empty when not translated.")
    link_sudoc = catalogue_link("Sudoc record (PPN).")
    link_idref = catalogue_link("IdRef record (PPN).")
    link_calames = catalogue_link("Calames address.")
    link_bnf = catalogue_link("ARK of the BnF catalogue's record.")
    link_francearchives = catalogue_link("FranceArchives address.")
    link_cartomundi = catalogue_link("CartoMundi address.")
    link_digitisation = catalogue_link("Address on a digitisation platform.")
    link_catalogue = catalogue_link("Address in a local catalogue.")
    address = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    region = serializers.ChoiceField(
        choices=Region.choices, read_only=True, help_text="INSEE code of the region."
    )
    region_name = serializers.CharField(read_only=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, allow_null=True, help_text="WGS 84."
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, allow_null=True, help_text="WGS 84."
    )
    labelled_since = serializers.DateField(
        read_only=True, help_text="First day of its first label."
    )
    valid_until = serializers.DateField(
        read_only=True, help_text="Last day of its current label, or of its last one if expired."
    )
    state = serializers.ChoiceField(
        choices=LabelState.choices,
        read_only=True,
        help_text="The label's state today: labelled, ending soon (renewal due), expired.",
    )

    def to_representation(self, instance):
        return collection_record(instance, self.context.get("today"))
