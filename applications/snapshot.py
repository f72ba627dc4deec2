"""The frozen content of a submission and its SHA-256 fingerprint."""

import hashlib
import json
from decimal import Decimal


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
    """Everything the applicant submitted, including a copy of the questions as they were."""
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
    }
