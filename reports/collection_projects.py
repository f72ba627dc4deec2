"""A labelled collection's funded projects and their public deliverables, on the collection's
public page (registered in labels.public from ReportsConfig.ready(): labels sits below reports
and cannot ask for them).

Only what the open data publishes: a project whose application named the collection among the
collections it works on (Application.collections_used) and whose funding is announced
(reports.opendata.funded_applications), and the deliverables its lead declared public. Two
queries, however many projects.
"""

from .opendata import funded_applications, public_deliverables
from .public_project import addressed

TEMPLATE = "reports/partials/collection_projects.html"


def collection_projects(collection):
    """(template, context) of the collection's funded projects, or None when there are none."""
    projects = list(
        funded_applications()
        .filter(collections_used=collection)
        .only("pk", "call_id", "title")
        .order_by("title", "pk")
    )
    if not projects:
        return None
    deliverables = addressed(
        public_deliverables()
        .filter(project__decision__application__in=[project.pk for project in projects])
        .select_related("project__decision")
        .order_by("title", "pk")
    )
    by_application = {}
    for deliverable in deliverables:
        by_application.setdefault(deliverable.project.decision.application_id, []).append(
            deliverable
        )
    for project in projects:
        project.public_deliverables = by_application.get(project.pk, [])
    return TEMPLATE, {"projects": projects}
