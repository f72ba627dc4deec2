"""What the decided call's projects owe and produce, played through the services
(demo/project_reports.yaml): the reports the call asks for, set on the call as staff do in its
"Funded projects' reports" tab; one data management plan written, submitted and accepted, one
sent back for changes on a named question, one still a draft; deliverables with persistent
identifiers declared by their leads.

Each step is played once: a second run finds the call's requirements, each report's state and
each deliverable (by its identifier) and changes nothing.
"""

import datetime as dt

from django.db.models import Count

from calls.models import CallReport, CallRequiredDeliverable, DueFrom, ReportKind
from projects import deliverables, report_review, reports
from projects.models import Deliverable, ProjectReport, ReportState

from .calls import application_form
from .facts import block_id, load_demo_file
from .publishing import publish

STORY = load_demo_file("project_reports.yaml")


def require_reports(call):
    """The call's reports and required deliverables, set once and published with the call."""
    if call.report_requirements.exists():
        return
    call.report_requirements = [
        CallReport(
            sort_order=position,
            kind=ReportKind(facts["kind"]),
            title_fr=facts["fr"],
            title_en=facts["en"],
            due_months=facts["due_months"],
            due_from=DueFrom(facts["due_from"]),
            questions=application_form(f"{call.slug}/{facts['key']}", facts["questions"]),
        )
        for position, facts in enumerate(STORY["reports"])
    ]
    call.required_deliverables = [
        CallRequiredDeliverable(sort_order=position, kind=kind)
        for position, kind in enumerate(STORY["required_deliverables"])
    ]
    call.save()
    publish(call)


def plan(project):
    """The project's reports, made from its call's requirements (once), by their key."""
    reports.plan_reports(project)
    by_requirement = {report.requirement_id: report for report in project.reports.all()}
    requirements = project.application.call.report_requirements.order_by("sort_order")
    return {
        facts["key"]: by_requirement[requirement.pk]
        for facts, requirement in zip(STORY["reports"], requirements, strict=True)
    }


def report_for_condition(project, kind=ReportKind.FINAL_SCIENTIFIC):
    """The report that the schedule's "report accepted" instalment waits for."""
    return project.reports.filter(kind=kind).order_by("due_on", "pk").first()


def play_reports(project, manager, today):
    """Where the project stands with its reports and deliverables in the story."""
    facts = next(
        (item for item in STORY["projects"] if item["lead"] == project.application.lead.email),
        None,
    )
    if facts is None:
        return
    lead = project.application.lead
    project.refresh_from_db()  # its dates as the amendments left them
    owed = plan(project)
    for key, story in facts.get("reports", {}).items():
        slug = f"{project.application.call.slug}/{key}"
        play_report(owed[key], slug, story, lead, manager, today)
    declared = set(project.deliverables.values_list("identifier", flat=True))
    for item in facts.get("deliverables", ()):
        if item["identifier"] in declared:
            continue
        deliverables.declare_deliverable(
            project,
            lead,
            kind=item["kind"],
            title=item["title"],
            description=item.get("description", ""),
            identifier_scheme=item["identifier_scheme"],
            identifier=item["identifier"],
            url="",
            licence=item["licence"],
            is_public=item["public"],
        )


def play_report(report, slug, story, lead, manager, today):
    """A report written (answers by question key), submitted, then accepted or sent back."""
    if report.submissions.exists():
        return  # played already
    answers = {question_id(slug, key): text for key, text in story["answers"].items()}
    if report.answers != answers:
        reports.save_report_draft(report, report.version, actor=lead, answers=answers)
    if not story.get("submit"):
        return
    number = reports.submit_report(report, lead).number
    if "accept" in story:
        report_review.accept_report(report, manager, story["accept"], submission_number=number)
    elif "changes" in story:
        changes = story["changes"]
        report_review.ask_for_changes(
            report,
            manager,
            submission_number=number,
            questions=[question_id(slug, key) for key in changes["questions"]],
            comment=changes["comment"],
            due_on=today + dt.timedelta(days=changes["in_days"]),
        )


def question_id(report_slug, key):
    """The block id of a report's question, as application_form made it from the story."""
    return block_id(report_slug, key)


def reports_summary():
    """load_demo's line on the reports and deliverables."""
    counts = dict(ProjectReport.objects.values_list("state").annotate(count=Count("pk")).order_by())
    states = ", ".join(f"{counts[state]} {state}" for state in ReportState if state in counts)
    return (
        f"Reports: {states or 'none'}; {Deliverable.objects.count()} deliverables declared; "
        "sign in as porteuse for her reports, as gestion for /gestion/projets/rapports/."
    )
