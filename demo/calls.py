"""The demo calls: published snippets with criteria, an application form, a FAQ and a call text."""

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import override
from wagtail.documents.models import Document

from calls.models import Call, CallCriterion, CallDocument, CallKind

from .facts import PARIS, block_id, paragraph, paris_day_at
from .publishing import publish

OPENING_HOUR = 9
CLOSING_HOUR = 12


def load_call(spec, facts, programmes, now=None, with_document=True):
    """Create or update the call of `spec` (one of example_calls), found by slug, and publish it.

    `programmes` maps codes to Programme rows. Returns the call as published.
    """
    call = Call.objects.filter(slug=spec["slug"]).first() or Call(slug=spec["slug"])
    call.title_fr = spec["fr"]
    call.title_en = spec["en"]
    call.kind = CallKind(spec["kind"])
    call.programme = programmes.get(spec.get("programme"))
    call.summary_fr = spec["summary_fr"]
    call.summary_en = spec["summary_en"]
    call.description = paragraph(spec["description"])
    call.eligibility = paragraph(spec["eligibility"])
    call.opens_at = paris_day_at(spec["opens_in_days"], OPENING_HOUR, now)
    call.closes_at = paris_day_at(spec["closes_in_days"], CLOSING_HOUR, now)
    call.envelope = Decimal(spec["envelope_eur"])
    call.max_amount = Decimal(spec["max_eur"])
    call.requires_co_construction = spec["requires_co_construction"]
    # What the funding agreement says of the project's duration (issue 17).
    call.project_duration_months = spec.get("project_duration_months")
    call.duration_from_signature = spec.get("duration_from_signature", False)
    # How long a CollEx label call's label lasts (issue 19).
    call.label_duration_months = spec.get("label_duration_months")
    call.allows_multiple_applications = spec.get("allows_multiple_applications", False)
    call.contact_email = facts["network"]["contact_email"]
    call.questions = application_form(spec["slug"], facts["application_form"])
    call.faq = faq(spec["slug"], facts["faq"], spec["requires_co_construction"])
    call.criteria = criteria(call, facts["criteria"])
    call.full_clean()
    call.save()
    if with_document:
        attach_call_text(call, facts["network"]["name"])
    publish(call)
    return call


def criteria(call, criteria_by_kind):
    """The kind's criteria, reusing the call's existing rows (matched by French name)."""
    existing = (
        {criterion.name_fr: criterion for criterion in call.criteria.all()} if call.pk else {}
    )
    rows = []
    for position, facts in enumerate(criteria_by_kind.get(call.kind, criteria_by_kind["default"])):
        criterion = existing.get(facts["fr"]) or CallCriterion(name_fr=facts["fr"])
        criterion.sort_order = position  # Set by the admin's forms; here, by hand.
        criterion.name_en = facts["en"]
        criterion.description = facts.get("description", "")
        criterion.weight = Decimal(facts["weight"])
        criterion.scale_min = 0
        criterion.scale_max = 5
        criterion.full_clean(exclude=["call"])
        rows.append(criterion)
    return rows


def application_form(slug, questions):
    """StreamField data of the form; block ids derive from the call and the question's key."""
    blocks = []
    for question in questions:
        value = {key: item for key, item in question.items() if key not in ("type", "key")}
        if question["type"] == "section":
            value.setdefault("title_en", "")
            value.setdefault("intro", "")
        else:
            value.setdefault("label_en", "")
            value.setdefault("help_text", "")
            value.setdefault("required", True)
        if question["type"] == "choice":
            value["choices"] = [
                {"type": "item", "value": choice, "id": block_id(slug, question["key"], index)}
                for index, choice in enumerate(question["choices"])
            ]
            value.setdefault("multiple", False)
        if question["type"] == "number":
            # As the admin stores decimals: strings.
            for bound in ("min_value", "max_value"):
                if value.get(bound) is not None:
                    value[bound] = str(value[bound])
        blocks.append(
            {"type": question["type"], "value": value, "id": block_id(slug, question["key"])}
        )
    return blocks


def faq(slug, items, requires_co_construction):
    return [
        {
            "type": "item",
            "value": {"question": item["question"], "answer": paragraph(item["answer"])},
            "id": block_id(slug, "faq", index),
        }
        for index, item in enumerate(items)
        if requires_co_construction or not item.get("co_construction_only")
    ]


def attach_call_text(call, network_name):
    """The call text as a PDF document, rendered with WeasyPrint; replaced only when it changes."""
    title = f"Texte de l'appel : {call.title_fr}"
    pdf = render_call_text(call, network_name)
    link = call.documents.filter(document__title=title).select_related("document").first()
    document = link.document if link else Document(title=title)
    if document.file_hash != hashlib.sha1(pdf).hexdigest():
        if document.file:
            document.file.delete(save=False)
        document.file.save(f"{call.slug}.pdf", ContentFile(pdf), save=False)
        document._set_document_file_metadata()
        document.full_clean()
        document.save()
    if link is None:
        call.documents.add(
            CallDocument(
                document=document,
                label="Texte de l'appel (PDF)",
                sort_order=call.documents.count(),
            )
        )
        call.save()


def render_call_text(call, network_name):
    from weasyprint import HTML  # Imported here: loading Pango is slow and only needed here.

    with override("fr"):
        opens = formats.date_format(timezone.localtime(call.opens_at, PARIS), "j F Y à H\\hi")
        closes = formats.date_format(timezone.localtime(call.closes_at, PARIS), "j F Y à H\\hi")
        kind = str(call.get_kind_display())
    criteria = "".join(
        f"<li>{escape(criterion.name_fr)} (coefficient {criterion.weight.normalize()}, "
        f"note de {criterion.scale_min} à {criterion.scale_max})</li>"
        for criterion in call.criteria.all()
    )
    money = ""
    if call.envelope:
        money = (
            f"<p>Enveloppe : {call.envelope:,.0f} € ; montant maximal par projet : "
            f"{call.max_amount:,.0f} €.</p>".replace(",", "\u202f")
        )
    programme = escape(call.programme.title_fr) if call.programme else "Transversal"
    html = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>{escape(call.title_fr)}</title>
<style>body {{ font-family: sans-serif; font-size: 11pt; }} h1 {{ font-size: 18pt; }}</style>
</head><body>
<p>{escape(network_name)} · {escape(kind)} · Programme : {programme}</p>
<h1>{escape(call.title_fr)}</h1>
<p><strong>{escape(call.summary_fr)}</strong></p>
<p>Ouverture : {opens} (heure de Paris). Date limite de dépôt : {closes} (heure de Paris).</p>
{money}
<h2>Objet de l'appel</h2>{call.description}
<h2>Éligibilité</h2>{call.eligibility}
<h2>Critères d'évaluation</h2><ul>{criteria}</ul>
<p>Document de démonstration, sans valeur officielle.</p>
</body></html>"""
    return HTML(string=html).write_pdf()
