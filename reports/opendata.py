"""Open data: the funded projects and their CSV and JSON files (their filters are in
reports.opendata_filters, their columns in reports.opendata_schema).

One query gives every row: the call and its programme, the decision, its project (made when the
funding letter is sent) and the project's carrier by joins, the lead institution, the network's
name and the payment schedule's extent by subqueries, the year from the call's deadline in Paris
time (as decisions.budget.call_year counts it), and the summary by reading one key of the answers.

Only applications of published calls whose final decision is "funded" and announced appear: the
lead was sent the letter, or the publication date staff set has come
(decisions.models.DecisionQuerySet.announced). Nothing personal is published: no name, e-mail or
ORCID (the register of personal data has no consent to publish one), only institutions (and their
ROR identifiers).

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

from django.conf import settings
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone, translation

from applications.exports import neutralise
from applications.filters import lead_members
from applications.models import Application, ApplicationState
from applications.receipts import DEFAULT_NETWORK_NAME
from calls.blocks import question_kind
from calls.models import Call
from cms.models import NetworkSettings
from common.formats import PARIS
from decisions.budget import closing_year
from decisions.models import Decision
from labels.models import Collection, code_of
from projects.models import Deliverable, Instalment

from .opendata_schema import FUNDED_PROJECTS, LIST_SEPARATOR

CURRENCY = "EUR"
LICENCE = {
    "name": "Licence Ouverte 2.0 / Etalab",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "spdx": "etalab-2.0",
}
# Sent with every file and API answer: the licence, machine-readable (RFC 8288, rel="license").
LICENCE_LINK = f'<{LICENCE["url"]}>; rel="license"'

# The columns of the CSV file, the keys of the JSON file and of the API, in this order: the
# fields of the file's Table Schema (reports.opendata_schema).
COLUMNS = FUNDED_PROJECTS.column_names

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


def grantor_name():
    """The network's name from the site settings (applications.receipts.network_name), as a
    subquery: the rows carry it without a query of their own."""
    named = NetworkSettings.objects.filter(site__is_default_site=True).values("name")[:1]
    return Coalesce(
        NullIf(Subquery(named), Value("")), Value(DEFAULT_NETWORK_NAME), output_field=CharField()
    )


def public_deliverables():
    """The deliverables that are published: declared public, of a funded project announced."""
    return Deliverable.objects.filter(
        is_public=True, project__decision__application__in=funded_applications()
    )


class JoinedNumbers(Aggregate):
    """The numbers of a group's rows as one text, comma-separated, in no set order (the reader
    sorts them): GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL. One column of a list in the
    one query of the rows, whatever their number."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra,
        )


def collections_used():
    """The numbers of the public labelled collections (their label announced) an application
    worked on, as JoinedNumbers."""
    used = Application.collections_used.through.objects.filter(
        application=OuterRef("pk"), collection__in=Collection.objects.public()
    )
    return Subquery(
        used.order_by()
        .values("application")
        .annotate(n=JoinedNumbers("collection_id"))
        .values("n"),
        output_field=TextField(),
    )


def collection_codes(numbers) -> str | None:
    """ "CX0007;CX0042" from the JoinedNumbers "42,7"; None for none."""
    if not numbers:
        return None
    return LIST_SEPARATOR.join(code_of(pk) for pk in sorted(int(n) for n in numbers.split(",")))


def funded_projects():
    """Every funded application of a published call, with what the open data shows: its project
    (state, dates, carrier) once the funding letter made one, and its payment schedule."""
    lead = lead_members()
    schedule = (
        Instalment.objects.filter(project__decision__application=OuterRef("pk"))
        .order_by()
        .values("project")
    )
    institution_name = Coalesce(
        NullIf(F("institution__name"), Value("")), F("institution_name"), output_field=CharField()
    )
    return (
        funded_applications()
        .select_related("call__programme", "decision__project__carrier")
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
            "decision__project__amount_granted",
            "decision__project__state",
            "decision__project__signed_on",
            "decision__project__start_date",
            "decision__project__duration_months",
            "decision__project__carrier__name",
            "decision__project__carrier__ror",
        )
        .annotate(
            year=closing_year("call"),
            lead_institution=Subquery(
                lead.annotate(label=institution_name).values("label")[:1],
                output_field=CharField(),
            ),
            lead_institution_ror=Subquery(lead.values("institution__ror")[:1]),
            summary=summary_expression(),
            # Amendments change a project's amount: the project's once there is one.
            granted=Coalesce("decision__project__amount_granted", "decision__amount_granted"),
            grantor_name=grantor_name(),
            instalments=Subquery(schedule.annotate(n=Count("pk")).values("n")),
            first_payment_on=Subquery(schedule.annotate(on=Min("planned_on")).values("on")),
            last_payment_on=Subquery(schedule.annotate(on=Max("planned_on")).values("on")),
            collection_numbers=collections_used(),
        )
        .order_by(F("year").desc(), "call__title_fr", "title", "pk")
    )


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


def iso(day) -> str | None:
    return day.isoformat() if day else None


def payment_conditions(project) -> tuple[str | None, str | None]:
    """SCDL's conditionsVersement and datesPeriodeVersement: one instalment, paid on its day, or
    several, from the first's day to the last's; nothing before the schedule is made."""
    if not project.instalments:
        return None, None
    first, last = iso(project.first_payment_on), iso(project.last_payment_on)
    if project.instalments == 1:
        return "single", first
    return "instalments", first if first == last else f"{first}/{last}"


def page_url(reference) -> str:
    """The project's public page, in the site's default language: the same whoever asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("opendata:project", args=[reference])


def record(project) -> dict:
    """One funded project as the files and the API give it: the keys of COLUMNS, in order."""
    call = project.call
    programme = call.programme
    decision = project.decision
    followed = getattr(decision, "project", None)  # made when the funding letter is sent
    carrier = followed.carrier if followed else None
    conditions, period = payment_conditions(project)
    return {
        "id": project.reference,
        "title": project.title,
        "call": call.title_fr,
        "call_slug": call.slug,
        "programme": programme.code if programme else None,
        "year": project.year,
        "lead_institution": project.lead_institution or None,
        "lead_institution_ror": project.lead_institution_ror or None,
        "amount_granted": money(project.granted),
        "currency": CURRENCY,
        "summary": project.summary or "",
        "decided_on": iso(decision.meeting_date),
        "page_url": page_url(project.reference),
        "state": followed.state if followed else None,
        "agreement_signed_on": iso(followed.signed_on) if followed else None,
        "start_date": iso(followed.start_date) if followed else None,
        "end_date": iso(followed.end_date) if followed else None,
        "grantor_name": project.grantor_name,
        "beneficiary_name": carrier.name if carrier else None,
        "beneficiary_ror": (carrier.ror or None) if carrier else None,
        "payment_conditions": conditions,
        "payment_period": period,
        "collections": collection_codes(project.collection_numbers),
    }


def filename(fmt, today=None) -> str:
    today = today or timezone.now().astimezone(PARIS).date()
    return f"funded-projects-{today.isoformat()}.{fmt}"


def as_csv(projects) -> bytes:
    return table_csv(COLUMNS, (record(project) for project in projects))


def table_csv(columns, rows) -> bytes:
    """RFC 4180 (commas, CRLF, quoted when needed) in UTF-8 with a byte order mark, so that
    Excel reads accents right. A text that a spreadsheet would read as a formula starts with a
    quote; a number (int, Decimal) is written as it is, a negative one included. Missing values
    are empty cells. `rows` are dicts with the keys of `columns`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(cell(row[column]) for column in columns)
    return buffer.getvalue().encode("utf-8")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return value
    return neutralise(value)


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
