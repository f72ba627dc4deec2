"""Queries about applications that other apps read (the ranking, the decisions page, the reports):
each reads every application asked for at once."""

from .filters import INSTITUTION_LABEL
from .models import TeamMember


def lead_institutions(applications):
    """{application id: the institution of the team member who leads it, or ""} (applications: a
    queryset or ids), in one query."""
    labels = {}
    for application_id, label in (
        TeamMember.objects.filter(application__in=applications, is_lead=True)
        .annotate(label=INSTITUTION_LABEL)
        .order_by("application_id", "-position", "-pk")
        .values_list("application_id", "label")
    ):
        labels[application_id] = label or ""  # the first lead (by position) is written last
    return labels
