"""A funded project's public page: one address per project, from its reference (the application's,
such as 003-00042), never from its title, so that a new title keeps the address.

What it shows is what the open data publishes (reports.opendata.funded_projects): an application
that is not funded, not announced or of an unpublished call is not found, and nobody learns it
exists. The team's institutions are named (with their ROR identifier), never the people; only
the deliverables the project declared public are listed.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Institution
from applications.models import TeamMember
from common.identifiers import link

from .opendata import funded_projects, public_deliverables

REFERENCE = re.compile(r"^(\d{3,})-(\d{5,})$")


def by_reference(queryset, reference):
    """The row of `queryset` whose reference is `reference` ("003-00042", not "3-42"), or None."""
    match = REFERENCE.match(reference)
    if match is None:
        return None
    call_id, pk = (int(number) for number in match.groups())
    found = queryset.filter(pk=pk, call_id=call_id).first()
    return found if found is not None and found.reference == reference else None


@dataclass(frozen=True)
class PublicInstitution:
    name: str
    ror: str = ""

    @property
    def ror_url(self):
        return link("ror", self.ror)


def institutions(application, carrier=None):
    """The team's institutions, directory ones with their ROR identifier and names typed in by
    applicants, and the administrative carrier: each once, by name."""
    members = TeamMember.objects.filter(application=application)
    found = {
        institution.name: PublicInstitution(institution.name, institution.ror)
        for institution in Institution.objects.filter(
            Q(team_members__in=members) | Q(pk=getattr(carrier, "pk", None))
        )
        .distinct()
        .only("name", "ror")
    }
    typed = members.filter(institution__isnull=True).exclude(institution_name="")
    for name in typed.values_list("institution_name", flat=True).distinct():
        found.setdefault(name, PublicInstitution(name))
    return sorted(found.values(), key=lambda institution: institution.name.casefold())


def deliverables(project):
    """The project's public deliverables, each with `address`: its identifier's resolver, else the
    address it was declared with."""
    if project is None:
        return []
    return addressed(public_deliverables().filter(project=project).order_by("declared_at", "pk"))


def addressed(deliverables):
    """The deliverables as a list, each with `address`: its identifier's resolver, else the
    address it was declared with."""
    rows = list(deliverables)
    for deliverable in rows:
        deliverable.address = (
            link(deliverable.identifier_scheme, deliverable.identifier) or deliverable.url
        )
    return rows


def public_project(reference):
    """The page's project: the open data row, its followed project (or None before the funding
    letter), its institutions and public deliverables; None when it is not published."""
    row = by_reference(funded_projects(), reference)
    if row is None:
        return None
    followed = getattr(row.decision, "project", None)
    return {
        "row": row,
        "project": followed,
        "institutions": institutions(row, followed.carrier if followed else None),
        "deliverables": deliverables(followed),
    }
