"""What the API gives for a call and for a funded project.

A funded project reads exactly as a row of the open data files (reports.opendata.record); the
fields declared here describe it in the OpenAPI schema, and a test checks they are the same keys.
"""

import datetime as dt

from django.conf import settings
from django.utils import translation
from rest_framework import serializers

from calls.models import CallKind, CallPhase
from reports.opendata import CURRENCY, record


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

    def to_representation(self, instance):
        return record(instance)
