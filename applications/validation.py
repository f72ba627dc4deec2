"""The rules an application must meet to be submitted, all checked at once.

Returns every problem, keyed by where it belongs ("title", "answers.<question id>", "team",
"budget", "attachments", "__all__"), so the form can show each one next to its field.
"""

from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.formats import euros_with_cents

from .models import DOCUMENTATION_ROLES, TeamRole


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
    attached = {}
    for attachment in attachments:
        attached.setdefault(attachment.question_id, []).append(attachment)
    for block in call.questions:
        kind = block.block
        if kind.is_section:
            continue
        # A file question is answered by its files, any other by the answer typed in the form.
        answer = attached.get(block.id, []) if kind.is_file else application.answers.get(block.id)
        for message in kind.answer_problems(block.value, answer):
            add(f"answers.{block.id}", message)

    collection_problems(application, add)
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
    """Problems with one answer to a question of the form (a live StreamField block)."""
    return block.block.answer_problems(block.value, value)


def collection_problems(application, add):
    """A label application's description of its collection must be complete (the labelled
    decision writes it into the registry as it is): one message, on its own page."""
    if not application.call.grants_labels:
        return
    from labels.records import LABELS, problems

    missing = problems(application.collection_record or {})
    if missing:
        add(
            "collection",
            _("Describe the collection: complete or correct %(fields)s.")
            % {"fields": ", ".join(str(LABELS.get(key, key)) for key in missing)},
        )


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
                "The amount requested (%(requested)s) exceeds the maximum of this call "
                "(%(maximum)s)."
            )
            % {
                "requested": euros_with_cents(requested),
                "maximum": euros_with_cents(call.max_amount),
            },
        )
