"""The frozen content of a submission, its SHA-256 fingerprint, and the one reading of its
answers that every page and document showing them shares."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from calls.blocks import frozen_question


def canonical_json(content) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8, money as text."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def fingerprint(content) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def build_snapshot(application, received_at) -> dict:
    """Everything the applicant submitted, including a copy of the questions as they were (and,
    where the call asks, its labelled collections: applications.collections.frozen)."""
    from .collections import frozen

    call = application.call
    team = list(application.team.select_related("institution"))
    lines = list(application.budget_lines.all())
    attachments = list(application.attachments.all())
    # Who the applicant asks to exclude: for staff and for conflicts of interest only. Pages
    # that show a submission to reviewers must never render "excluded_reviewers".
    excluded = list(application.excluded_reviewers.all())
    return {
        "reference": application.reference,
        "received_at": received_at.isoformat(),
        "call": {
            "slug": call.slug,
            "title_fr": call.title_fr,
            "title_en": call.title_en,
            "closes_at": call.closes_at.isoformat(),
            "max_amount": money(call.max_amount),
        },
        "lead": {"name": application.lead.get_full_name(), "email": application.lead.email},
        "title": application.title,
        "questions": list(call.questions.raw_data),
        "answers": application.answers,
        "keywords": application.keywords,
        "disciplines": [
            {"code": discipline.code, "name_fr": discipline.name_fr, "name_en": discipline.name_en}
            for discipline in application.disciplines.all()
        ],
        "team": [
            {
                "name": member.name,
                "email": member.email,
                "orcid": member.orcid,
                "institution": member.institution_label,
                "ror": member.institution.ror if member.institution_id else "",
                "role": member.role,
                "is_lead": member.is_lead,
            }
            for member in team
        ],
        "budget": {
            "lines": [
                {
                    "category": line.category,
                    "description": line.description,
                    "amount_requested": money(line.amount_requested),
                    "cofunding": money(line.cofunding),
                }
                for line in lines
            ],
            "total_requested": money(sum((line.amount_requested for line in lines), Decimal(0))),
            "total_cofunding": money(sum((line.cofunding for line in lines), Decimal(0))),
        },
        "attachments": [
            {
                "question_id": attachment.question_id,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in attachments
        ],
        "excluded_reviewers": [
            {
                "name": person.name,
                "email": person.email,
                "institution": person.institution_name,
                "reason": person.reason,
            }
            for person in excluded
        ],
        **frozen(application),
    }


@dataclass
class Section:
    """A group of questions under a section block's title (the first may have no title)."""

    id: str = ""
    title: str = ""
    intro: str = ""
    items: list = field(default_factory=list)
    # The language of the title and intro ("fr" when the call has no English title).
    language: str = "fr"


@dataclass
class Answer:
    """One question and its answer as it reads; for a file question, `files` is whatever the
    caller gave for the question's files (submitted file names, stored attachments)."""

    id: str
    label: str
    value: str = ""
    files: list = field(default_factory=list)
    is_file: bool = False
    # The language of the label, and of the value when known (an option staff wrote in French);
    # templates mark them with lang="..." where it differs from the page's (lang_attr).
    label_language: str = "fr"
    value_language: str | None = None


def answer_sections(questions, answers, files=None) -> list[Section]:
    """The questions (raw StreamField data, as a snapshot freezes them) grouped by section,
    each with its answer as the active language writes it (a date "1 mai 2026" / "May 1, 2026",
    a number "12 500,5" / "12,500.5") or its files. The receipt, the reviewer's dossier, the
    dossier book and the read-only application pages all read answers here, so that an answer
    reads the same in all of them."""
    answers, files = answers or {}, files or {}
    sections = [Section()]
    for question in questions or []:
        kind, value = frozen_question(question)
        block_id = question.get("id") or ""
        if kind.is_section:
            title, intro = kind.title_text(value), value.get("intro") or ""
            language = kind.title_language(value)
            sections.append(Section(f"section-{block_id}", title, intro, language=language))
        elif kind.is_file:
            label = kind.label_text(value)
            sections[-1].items.append(
                Answer(
                    block_id,
                    label,
                    files=files.get(block_id, []),
                    is_file=True,
                    label_language=kind.label_language(value),
                )
            )
        else:
            text = kind.answer_text(value, answers.get(block_id))
            sections[-1].items.append(
                Answer(
                    block_id,
                    kind.label_text(value),
                    text,
                    label_language=kind.label_language(value),
                    value_language=kind.answer_language,
                )
            )
    return [section for section in sections if section.items or section.title]


def submitted_sections(content, files=None) -> list[Section]:
    """The answers of a submission's frozen content, read against its frozen questions."""
    return answer_sections(content.get("questions"), content.get("answers"), files)
