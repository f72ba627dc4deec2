"""The dossier as a reviewer reads it: the application's latest submission, frozen.

Only the parts a reviewer needs are read from the snapshot (the form, the team, the budget, the
files); anything else it holds (such as the people the applicant asked to exclude) is never shown.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from applications.collections import submitted
from applications.models import BudgetCategory, Submission, TeamRole
from applications.snapshot import submitted_sections


@dataclass
class SubmittedFile:
    name: str
    size: int
    attachment_id: int | None  # None when the stored file no longer matches the submission


@dataclass
class SubmittedDossier:
    submission: Submission
    title: str
    lead_name: str
    sections: list
    team: list
    budget_lines: list
    total_requested: Decimal
    total_cofunding: Decimal
    # A label application's collection, a project's collections used, as received.
    collections: dict = field(default_factory=dict)


def latest_submission(application):
    return application.submissions.order_by("-number").first()


def submitted_dossier(application):
    """The latest submission of `application` ready to read, or None if it has none."""
    submission = latest_submission(application)
    if submission is None:
        return None
    content = submission.content
    budget = content.get("budget") or {}
    return SubmittedDossier(
        submission=submission,
        title=content.get("title", ""),
        lead_name=(content.get("lead") or {}).get("name", ""),
        sections=submitted_sections(content, stored_files(application, content)),
        team=[team_row(member) for member in content.get("team") or []],
        budget_lines=[budget_row(line) for line in budget.get("lines") or []],
        total_requested=amount(budget.get("total_requested")),
        total_cofunding=amount(budget.get("total_cofunding")),
        collections=submitted(content),
    )


def stored_files(application, content):
    """{question id: [SubmittedFile]}: the files as submitted, linked to the stored attachment
    with the same fingerprint."""
    stored = {
        (attachment.question_id, attachment.sha256): attachment.pk
        for attachment in application.attachments.only("pk", "question_id", "sha256")
    }
    files = {}
    for item in content.get("attachments") or []:
        files.setdefault(item.get("question_id"), []).append(
            SubmittedFile(
                name=item.get("name", ""),
                size=item.get("size") or 0,
                attachment_id=stored.get((item.get("question_id"), item.get("sha256"))),
            )
        )
    return files


def team_row(member):
    return {
        "name": member.get("name", ""),
        "role": label_of(TeamRole, member.get("role")),
        "institution": member.get("institution", ""),
        "orcid": member.get("orcid", ""),
        "is_lead": bool(member.get("is_lead")),
    }


def budget_row(line):
    return {
        "category": label_of(BudgetCategory, line.get("category")),
        "description": line.get("description", ""),
        "amount_requested": amount(line.get("amount_requested")),
        "cofunding": amount(line.get("cofunding")),
    }


def label_of(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value or ""


def amount(text):
    try:
        return Decimal(str(text)) if text not in (None, "") else Decimal("0")
    except InvalidOperation:
        return Decimal("0")
