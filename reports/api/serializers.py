"""What the API gives for a call and for a funded project.

A funded project reads exactly as a row of the open data files (reports.opendata.record); the
fields declared here describe it in the OpenAPI schema, and a test checks they are the same keys.
"""

import datetime as dt

from django.conf import settings
from django.utils import translation
from rest_framework import serializers

from calls.models import CallKind, CallPhase, DeliverableKind
from projects.models import IdentifierScheme, Licence, ProjectState
from reports.opendata import CURRENCY, record
from reports.opendata_datasets import deliverable_record


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
