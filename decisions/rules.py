"""Who may do what with decisions: the one place that says it (django-rules predicates).

Programme staff record the scientific council's proposals and the deciding body's decisions;
council members and staff read decisions, budgets and governance reports. Applicants read only
their own letters (decisions.views_letters).
"""

import rules

from accounts.roles import reads_decisions, records_decisions
from applications.models import ApplicationState
from reviews.rules import deliberates


@rules.predicate
def is_decidable(user, application):
    return application.state in ApplicationState.under_review


@rules.predicate
def is_decided(user, application):
    decision = getattr(application, "decision", None)
    return decision is not None and bool(decision.outcome)


@rules.predicate
def is_funded(user, application):
    decision = getattr(application, "decision", None)
    return decision is not None and decision.is_funded


@rules.predicate
def is_labelled(user, application):
    decision = getattr(application, "decision", None)
    return decision is not None and decision.is_labelled


rules.add_perm("decisions.decide", records_decisions)
# Deciding on one application: who records decisions, once it is screened eligible.
rules.add_perm("decisions.decide_application", records_decisions & is_decidable)
# A letter tells the lead the decision recorded.
rules.add_perm("decisions.send_letter", records_decisions & is_decided)
# A publication date makes a funded project, or a labelled collection, public before its letter
# is sent.
rules.add_perm("decisions.publish_project", records_decisions & (is_funded | is_labelled))
rules.add_perm("decisions.open_decisions", reads_decisions | records_decisions)
# One application's decision page shows its proposal and motivation: as its dossier, closed to a
# council member in conflict with it or who owes a review of it.
rules.add_perm("decisions.open_decision", records_decisions | (reads_decisions & deliberates))
rules.add_perm("decisions.see_budgets", reads_decisions | records_decisions)
