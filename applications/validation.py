"""The rules an application must meet to be submitted, all checked at once.

Returns every problem, keyed by where it belongs ("title", "answers.<question id>", "team",
"budget", "attachments", "__all__"), so the form can show each one next to its field.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import DOCUMENTATION_ROLES, TeamRole

WORD = re.compile(r"\S+")


def count_words(text) -> int:
    return len(WORD.findall(text or ""))


def paris(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def submission_problems(application, now) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(key, message):
        problems.setdefault(key, []).append(message)

    call = application.call
    if not application.title.strip():
        add("title", _("Give your project a title."))

    attachments = list(application.attachments.all())
    answered_files = {attachment.question_id for attachment in attachments}
    for block in call.questions:
        if block.block_type == "section":
            continue
        key = f"answers.{block.id}"
        if block.block_type == "file":
            if block.value["required"] and block.id not in answered_files:
                add(key, _("Attach the requested file."))
            continue
        for message in answer_problems(block, application.answers.get(block.id)):
            add(key, message)

    team_problems(application, add)
    budget_problems(application, add)

    total = sum(attachment.size for attachment in attachments)
    limit = call.attachments_max_total_mb * 1024 * 1024
    if total > limit:
        add(
            "attachments",
            _("All files together may not exceed %(limit)s MB.")
            % {"limit": call.attachments_max_total_mb},
        )
    return problems


def answer_problems(block, value):
    """Problems with one answer to a question of the form."""
    question = block.value
    empty = value in (None, "", [])
    if empty:
        return [_("This answer is required.")] if question["required"] else []
    kind = block.block_type
    if kind in ("text", "long_text") and not isinstance(value, str):
        return [_("Enter a text.")]
    if kind == "text" and len(str(value)) > question["max_length"]:
        return [
            _("At most %(limit)s characters (this answer has %(count)s).")
            % {"limit": question["max_length"], "count": len(str(value))}
        ]
    if kind == "long_text" and count_words(value) > question["max_words"]:
        return [
            _("At most %(limit)s words (this answer has %(count)s).")
            % {"limit": question["max_words"], "count": count_words(value)}
        ]
    if kind == "choice":
        chosen = value if isinstance(value, list) else [value]
        if not question["multiple"] and len(chosen) > 1:
            return [_("Choose only one answer.")]
        if any(item not in question["choices"] for item in chosen):
            return [_("Choose among the proposed answers.")]
    if kind == "number":
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):  # ValueError: an integer too long to write
            return [_("Enter a number.")]
        if not number.is_finite():  # "NaN", "Infinity": no bound can be checked against them
            return [_("Enter a number.")]
        if question["min_value"] is not None and number < question["min_value"]:
            return [_("At least %(limit)s.") % {"limit": question["min_value"]}]
        if question["max_value"] is not None and number > question["max_value"]:
            return [_("At most %(limit)s.") % {"limit": question["max_value"]}]
    if kind == "date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return [_("Enter a valid date.")]
    return []


def team_problems(application, add):
    team = list(application.team.all())
    if not team:
        add("team", _("Add the members of the team."))
        return
    if not any(member.is_lead for member in team):
        add("team", _("Say who leads the project."))
    if application.call.requires_co_construction:
        roles = {member.role for member in team}
        if TeamRole.RESEARCHER not in roles or not roles & set(DOCUMENTATION_ROLES):
            add(
                "team",
                _(
                    "This call requires co-construction: the team must include at least one "
                    "researcher and at least one documentation professional (librarian, "
                    "archivist)."
                ),
            )


def budget_problems(application, add):
    call = application.call
    if not call.funds_projects:
        return
    requested = application.budget_lines.aggregate(total=Sum("amount_requested"))["total"]
    if not requested:
        add("budget", _("Enter the budget you request."))
    elif requested > call.max_amount:
        add(
            "budget",
            _(
                "The amount requested (%(requested)s €) exceeds the maximum of this call "
                "(%(maximum)s €)."
            )
            % {
                "requested": formats.number_format(requested, 2, force_grouping=True),
                "maximum": formats.number_format(call.max_amount, 2, force_grouping=True),
            },
        )
