"""Who may do what with a funded project, and when: the one place that says it (django-rules).

The lead and the team members who accepted their invitation read their project; programme
staff read every project and make its moves while its decision is still funded; council
members read the projects they could deliberate on (not one they are in conflict with).
Anyone else gets a 404: nobody learns that someone else's project exists. The agreement
(its versions, signatures and signed copies) is read by staff, the lead and the joined team
only: the council decides the funding, not the contract with the carrier.
"""

import rules

from accounts.roles import is_council_member, is_programme_staff
from applications.models import TeamInvitation
from reviews.rules import deliberates

from .models import ProjectState


@rules.predicate
def is_lead(user, project):
    return project.decision.application.lead_id == user.id


@rules.predicate
def is_team_member(user, project):
    if not user.is_authenticated:
        return False
    return (
        TeamInvitation.objects.joined(user)
        .filter(application_id=project.decision.application_id)
        .exists()
    )


@rules.predicate
def council_reads(user, project):
    return is_council_member(user) and deliberates(user, project.decision.application)


# When


@rules.predicate
def is_still_funded(user, project):
    """Its decision still says funded: a withdrawn funding moves nothing forward."""
    return project.decision.is_funded


@rules.predicate
def is_not_ended(user, project):
    """Neither closed nor terminated: money still moves."""
    return project.state not in ProjectState.ended


# Staff first (cached permissions), the team query only for everyone else.
reads = is_programme_staff | is_lead | council_reads | is_team_member

rules.add_perm("projects.see_projects", is_programme_staff)
rules.add_perm("projects.open_project", reads)
# The carrier: staff, while the decision is funded and the project not ended (whether the carrier
# itself may still change, once the agreement is signed by a party, is the service's to say).
rules.add_perm("projects.set_carrier", is_programme_staff & is_still_funded & is_not_ended)
# Moves forward need the decision still funded; suspending and ending never do.
rules.add_perm("projects.move_forward", is_programme_staff & is_still_funded)
rules.add_perm("projects.stop", is_programme_staff)
# The schedule and the payments: staff, while the project runs its course and is still funded.
rules.add_perm("projects.manage_payments", is_programme_staff & is_still_funded & is_not_ended)


# Amendments (projects.amendments)


@rules.predicate
def can_be_amended(user, project):
    """Its agreement signed and the project not ended: an amendment changes a signed agreement."""
    return project.state in ProjectState.amendable


@rules.predicate
def amends_a_live_project(user, amendment):
    """The amendment's project is still funded and not ended: a decision on it still changes
    something."""
    project = amendment.project
    return project.decision.is_funded and project.state not in ProjectState.ended


# The lead (or staff for them) asks, while the decision is funded and the agreement signed.
rules.add_perm(
    "projects.ask_amendment", (is_programme_staff | is_lead) & is_still_funded & can_be_amended
)
# Staff decide (they record the deciding body's answer too); the amendment's own state (only an
# open one) is the AMENDMENT table's to say.
rules.add_perm("projects.decide_amendment", is_programme_staff & amends_a_live_project)
# An amendment's attachment: the people of the project and staff, not the council.
rules.add_perm("projects.read_amendment_files", is_programme_staff | is_lead | is_team_member)


# The agreement (projects.agreements)

# Staff prepare its versions and record the signatures while the decision is still funded and
# the project not ended (a signed version is never replaced: the service says so).
rules.add_perm("projects.prepare_agreement", is_programme_staff & is_still_funded & is_not_ended)
rules.add_perm("projects.record_signature", is_programme_staff & is_still_funded & is_not_ended)
# Its versions, signatures and signed copies: staff, the lead and the team who joined, those who
# carry the project out. Not the council: it decides the funding, not the contract with the
# carrier (and the signed copies bear people's signatures).
rules.add_perm("projects.read_agreement", is_programme_staff | is_lead | is_team_member)


# The money at a glance (projects.views_money): the payments export for the accounting office
# and the lists of late signatures and overdue instalments are programme staff's.
rules.add_perm("projects.export_payments", is_programme_staff)
rules.add_perm("projects.see_late", is_programme_staff)


# Reports (projects.reports): the rules take the report and reach its project.


@rules.predicate
def leads_its_project(user, report):
    return is_lead(user, report.project)


@rules.predicate
def joined_its_project(user, report):
    return is_team_member(user, report.project)


@rules.predicate
def its_project_is_live(user, report):
    """Its project still funded and not ended: a report still changes something."""
    project = report.project
    return project.decision.is_funded and project.state not in ProjectState.ended


@rules.predicate
def report_is_editable(user, report):
    return report.is_editable


# The lead and the joined team write and submit, while the project lives and the report is owed
# (drafted, or sent back for changes); the REPORT table says the states once more.
writes_report = (leads_its_project | joined_its_project) & its_project_is_live & report_is_editable
rules.add_perm("projects.write_report", writes_report)
rules.add_perm("projects.submit_report", writes_report)
rules.add_perm("projects.read_report", is_programme_staff | leads_its_project | joined_its_project)
# The reports section of a project page: the same people, asked about the project.
rules.add_perm("projects.read_project_reports", is_programme_staff | is_lead | is_team_member)

# Staff's review (projects.report_review): accept a submitted report or ask for changes, while
# its project is still funded and not ended (the REPORT table says from which state). The list of
# every project's reports is theirs too.
rules.add_perm("projects.review_report", is_programme_staff & its_project_is_live)
rules.add_perm("projects.see_reports", is_programme_staff)


# Deliverables (projects.deliverables): the lead, the joined team or staff declare, change and
# remove them while the decision is funded and the project not ended (a closed project's
# deliverables stay as they were declared).
rules.add_perm(
    "projects.declare_deliverable",
    (is_programme_staff | is_lead | is_team_member) & is_still_funded & is_not_ended,
)
