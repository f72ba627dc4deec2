"""Open data: the funded projects, their filters, and their CSV and JSON files.

One query gives every row: the call and its programme and the decision by joins, the lead
institution by subqueries, the year from the call's deadline in Paris time (as
decisions.budget.call_year counts it), and the summary by reading one key of the answers.

Only applications of published calls whose final decision is "funded" and announced appear: the
lead was sent the letter, or the publication date staff set has come
(decisions.models.DecisionQuerySet.announced). Nothing personal is published: no name, e-mail or
ORCID, only the lead institution (and its ROR identifier).

The values are language-neutral so that a file and the API say the same in French and in English:
codes for the programme, the French title for the call (its reference title), amounts as decimal
strings with a dot, dates in ISO 8601.

The summary: applications have no summary field. It is the applicant's answer to the first text
question of the call's form labelled « Résumé », "summary" or "abstract" (the demo's form has
« Résumé du projet » / "Project abstract"); empty when the form has none. A decided application
can no longer be edited, so its answers are the ones it submitted.
"""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from accounts.models import Institution
from applications.exports import neutralise
from applications.filters import lead_members
from applications.models import Application, ApplicationState
from calls.blocks import question_kind
from calls.models import Call, Programme
from common.formats import PARIS
from decisions.budget import closing_year
from decisions.models import Decision

CURRENCY = "EUR"
LICENCE = {
    "name": "Licence Ouverte 2.0 / Etalab",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "spdx": "etalab-2.0",
}
# Sent with every file and API answer: the licence, machine-readable (RFC 8288, rel="license").
LICENCE_LINK = f'<{LICENCE["url"]}>; rel="license"'

# The columns of the CSV file, the keys of the JSON file and of the API, in this order.
COLUMNS = (
    "id",
    "title",
    "call",
    "call_slug",
    "programme",
    "year",
    "lead_institution",
    "lead_institution_ror",
    "amount_granted",
    "currency",
    "summary",
    "decided_on",
)

SUMMARY_LABEL = re.compile(r"\b(résumé|summary|abstract)\b", re.IGNORECASE)


def summary_question(questions) -> str | None:
    """The block id of the form's summary question (raw StreamField data), or None."""
    for block in questions:
        if not question_kind(block.get("type")).is_text:
            continue
        value = block.get("value") or {}
        labels = f"{value.get('label', '')} {value.get('label_en', '')}"
        if SUMMARY_LABEL.search(labels):
            return block.get("id")
    return None


def published_calls_with_funded_projects():
    return Call.objects.published().filter(
        Exists(funded_applications().filter(call=OuterRef("pk")))
    )


def summary_expression():
    """The summary answer of each application, chosen per call: one query reads the forms."""
    forms_by_call = published_calls_with_funded_projects().values_list("pk", "questions")
    whens = []
    for call_id, questions in forms_by_call:
        block_id = summary_question(questions.raw_data if questions else [])
        if block_id:
            whens.append(When(call_id=call_id, then=KT(f"answers__{block_id}")))
    if not whens:
        return Value("", output_field=TextField())
    return Coalesce(Case(*whens, output_field=TextField()), Value(""), output_field=TextField())


def funded_applications():
    """The applications the open data publishes: decided, funded and announced, of a published
    call. Every list of the page, its files and the API starts from these."""
    announced = Decision.objects.announced().filter(application=OuterRef("pk"))
    return Application.objects.filter(
        Exists(announced), call__live=True, state=ApplicationState.DECIDED
    )


def funded_projects():
    """Every funded application of a published call, with what the open data shows."""
    lead = lead_members()
    institution_name = Coalesce(
        NullIf(F("institution__name"), Value("")), F("institution_name"), output_field=CharField()
    )
    return (
        funded_applications()
        .select_related("call__programme", "decision")
        .only(
            "title",
            "call__slug",
            "call__title_fr",
            "call__title_en",
            "call__closes_at",
            "call__programme__code",
            "call__programme__title_fr",
            "call__programme__title_en",
            "decision__amount_granted",
            "decision__meeting_date",
        )
        .annotate(
            year=closing_year("call"),
            lead_institution=Subquery(
                lead.annotate(label=institution_name).values("label")[:1],
                output_field=CharField(),
            ),
            lead_institution_ror=Subquery(lead.values("institution__ror")[:1]),
            summary=summary_expression(),
        )
        .order_by(F("year").desc(), "call__title_fr", "title", "pk")
    )


def select():
    return forms.Select(attrs={"class": "form-select"})


class YearFilter(django_filters.NumberFilter):
    """A year: a whole number from 1000 to 9999, else the filter is refused with its message.
    A year such as -1, 1 (before year 1 in UTC), 2026.5 or 1e76 made the database's year lookup
    fail (a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1000, max_value=9999, **kwargs)


# A search term: each word is one more condition on five columns (two of them subqueries) of the
# one query that lists the projects, so the term is bounded. 1,100 words made a query SQLite
# refuses (its expression tree is too deep) and PostgreSQL spent seconds on: a server error.
# People search with a few words; 20 words and 200 characters leave room for a pasted title.
SEARCH_MAX_WORDS = 20
SEARCH_MAX_LENGTH = 200


def bounded_search(value):
    if len(value) > SEARCH_MAX_LENGTH or len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Search with at most %(words)d words and %(characters)d characters."),
            code="search_too_long",
            params={"words": SEARCH_MAX_WORDS, "characters": SEARCH_MAX_LENGTH},
        )


class FundedProjectFilter(django_filters.FilterSet):
    """The filters of the page, of its CSV and JSON files and of the API: the same everywhere."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        validators=[bounded_search],
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "maxlength": SEARCH_MAX_LENGTH}
        ),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"),
        field_name="call__programme",
        to_field_name="code",
        queryset=Programme.objects.filter(calls__in=published_calls_with_funded_projects())
        .distinct()
        .order_by("position", "code"),
        empty_label=_("All programmes"),
        widget=select(),
    )
    call = django_filters.ModelChoiceFilter(
        label=_("Call"),
        to_field_name="slug",
        queryset=published_calls_with_funded_projects().only("slug", "title_fr", "title_en"),
        empty_label=_("All calls"),
        widget=select(),
    )
    year = YearFilter(
        label=_("Year"),
        method="filter_year",
        widget=forms.NumberInput(attrs={"class": "form-control", "min": "2000", "max": "2100"}),
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Lead institution"),
        queryset=Institution.objects.filter(
            team_members__is_lead=True, team_members__application__in=funded_applications()
        )
        .distinct()
        .only("name", "acronym"),
        empty_label=_("All institutions"),
        method="filter_institution",
        widget=select(),
    )
    ror = django_filters.CharFilter(
        label=_("ROR identifier of the lead institution"), method="filter_ror"
    )

    class Meta:
        model = Application
        fields = ["q", "programme", "call", "year", "institution", "ror"]

    @extend_schema_field(
        {
            "type": "string",
            "maxLength": SEARCH_MAX_LENGTH,
            "description": "Words found in the title, summary, lead institution or call "
            f"(all of them); at most {SEARCH_MAX_WORDS} words.",
        }
    )
    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(lead_institution__icontains=word)
                | Q(call__title_fr__icontains=word)
                | Q(call__title_en__icontains=word)
            )
        return queryset

    @extend_schema_field({"type": "integer", "description": "Year of the call's deadline."})
    def filter_year(self, queryset, name, value):
        return queryset.filter(year=value)

    @extend_schema_field({"type": "integer", "description": "Id of the lead institution."})
    def filter_institution(self, queryset, name, value):
        return queryset.filter(Exists(lead_members().filter(institution=value)))

    def filter_ror(self, queryset, name, value):
        ror = value.strip().lower().removeprefix("https://ror.org/")
        return queryset.filter(Exists(lead_members().filter(institution__ror=ror)))


def years():
    """The years that have funded projects, newest first (for the page's year list)."""
    return list(
        funded_applications()
        .annotate(year=closing_year("call"))
        .values_list("year", flat=True)
        .distinct()
        .order_by(F("year").desc())
    )


def money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def record(project) -> dict:
    """One funded project as the files and the API give it: the keys of COLUMNS, in order."""
    call = project.call
    programme = call.programme
    meeting_date = project.decision.meeting_date
    return {
        "id": project.reference,
        "title": project.title,
        "call": call.title_fr,
        "call_slug": call.slug,
        "programme": programme.code if programme else None,
        "year": project.year,
        "lead_institution": project.lead_institution or None,
        "lead_institution_ror": project.lead_institution_ror or None,
        "amount_granted": money(project.decision.amount_granted),
        "currency": CURRENCY,
        "summary": project.summary or "",
        "decided_on": meeting_date.isoformat() if meeting_date else None,
    }


def filename(fmt, today=None) -> str:
    today = today or timezone.now().astimezone(PARIS).date()
    return f"funded-projects-{today.isoformat()}.{fmt}"


def as_csv(projects) -> bytes:
    """RFC 4180 (commas, CRLF, quoted when needed) in UTF-8 with a byte order mark, so that
    Excel reads accents right. A text that a spreadsheet would read as a formula starts with a
    quote. Missing values are empty cells."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for project in projects:
        row = record(project)
        writer.writerow(
            "" if row[column] is None else neutralise(row[column]) for column in COLUMNS
        )
    return buffer.getvalue().encode("utf-8")


def as_json(projects, publisher, now=None) -> bytes:
    """{"licence", "publisher", "generated_at", "count", "results"}: UTF-8, accents as they are."""
    results = [record(project) for project in projects]
    document = {
        "licence": LICENCE,
        "publisher": publisher,
        "generated_at": (now or timezone.now()).astimezone(dt.UTC).isoformat(),
        "count": len(results),
        "results": results,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
BUILDERS = {"csv": as_csv, "json": as_json}
