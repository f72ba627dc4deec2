"""The platform's events that tell someone something. Other apps name them; this app imports none
of theirs.

Each event says who reads it (its audience), whether it may be turned off, and which variables its
templates receive: plain values that the caller builds (common.sandbox), whose shape is the sample
of notifications.previews (shown to staff who edit the templates, used in the preview, and the
list of what a template edited in the admin may use).
"""

from dataclasses import dataclass
from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
    APPLICATION_REOPENED = "application_reopened", _("Application reopened")
    ELIGIBILITY_RESULT = "eligibility_result", _("Eligibility result")
    REVIEWER_INVITED = "reviewer_invited", _("Reviewer invited")
    TEAM_MEMBER_INVITED = "team_member_invited", _("Team member invited")
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Reviewer assigned")
    CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
    REVIEW_DUE_SOON = "review_due_soon", _("Review due soon")
    REVIEW_LATE = "review_late", _("Review late")
    REVIEW_SUBMITTED = "review_submitted", _("Review submitted")
    REVIEW_REOPENED = "review_reopened", _("Review reopened")
    REPLY_PHASE_OPEN = "reply_phase_open", _("Reply phase open")
    DECISION = "decision", _("Decision")
    REPORT_READY = "report_ready", _("Report ready")
    # A funded project (projects.messages).
    AGREEMENT_READY = "agreement_ready", _("Funding agreement ready to sign")
    AGREEMENT_SIGNED = "agreement_signed", _("Funding agreement signed")
    AGREEMENT_UNSIGNED_REMINDER = "agreement_unsigned_reminder", _("Funding agreement unsigned")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    AMENDMENT_ASKED = "amendment_asked", _("Amendment asked")
    AMENDMENT_DECIDED = "amendment_decided", _("Amendment decided")
    # A funded project's reports (projects.report_messages).
    PROJECT_REPORT_SUBMITTED = "project_report_submitted", _("Project report submitted")
    PROJECT_REPORT_ACCEPTED = "project_report_accepted", _("Project report accepted")
    PROJECT_REPORT_CHANGES = "project_report_changes", _("Changes asked on a project report")
    PROJECT_REPORT_REMINDER = "project_report_reminder", _("Project report due")
    # Labelled collections (labels).
    COLLECTION_HOLDER_INVITED = "collection_holder_invited", _("Invited to keep a collection")
    LABEL_RENEWAL_INVITED = "label_renewal_invited", _("Invited to renew a label")
    LABEL_LAPSED = "label_lapsed", _("Label expired")


class Audience(models.TextChoices):
    APPLICANT = "applicant", _("applicants")
    REVIEWER = "reviewer", _("reviewers")
    STAFF = "staff", _("programme staff and governing bodies")
    INVITEE = "invitee", _("people without an account")
    PROJECT = "project", _("funded projects' leads and programme staff")
    HOLDER = "holder", _("holders of labelled collections")

    # Audiences that reach applicants: their messages never receive a reviewer's identity.
    reach_applicants = nonmember(("applicant", "project", "holder"))


@dataclass(frozen=True)
class EventRules:
    audience: Audience
    # A mandatory message is always e-mailed at once: preferences can neither turn it off nor
    # defer it to the digest (a receipt proves a deadline was met; a decision starts a delay).
    mandatory: bool = False
    variables: tuple[str, ...] = ()
    # The link is personal (it carries a token): never shown to staff, and dropped from the
    # stored message once the e-mail is sent (notifications.secrets).
    secret_link: bool = False


RULES = {
    Event.APPLICATION_SUBMITTED: EventRules(
        Audience.APPLICANT, mandatory=True, variables=("application", "submission")
    ),
    Event.APPLICATION_REOPENED: EventRules(Audience.APPLICANT, variables=("application", "reason")),
    Event.ELIGIBILITY_RESULT: EventRules(
        Audience.APPLICANT, variables=("application", "eligible", "reason")
    ),
    # Sent to an address: no account, hence no preferences; always e-mailed at once.
    Event.REVIEWER_INVITED: EventRules(
        Audience.INVITEE, variables=("invitation", "inviter", "call"), secret_link=True
    ),
    # The lead invites a team row's address to join the application (applications.team).
    Event.TEAM_MEMBER_INVITED: EventRules(
        Audience.INVITEE,
        variables=("application", "call", "inviter", "member"),
        secret_link=True,
    ),
    # A reviewer given several applications at once gets one message: `assignments` lists them.
    Event.REVIEWER_ASSIGNED: EventRules(
        Audience.REVIEWER, variables=("assignment", "application", "call", "assignments", "count")
    ),
    Event.CONFLICT_DECLARED: EventRules(
        Audience.STAFF, variables=("assignment", "application", "reviewer", "reason")
    ),
    Event.REVIEW_DUE_SOON: EventRules(
        Audience.REVIEWER, variables=("assignment", "application", "call", "assignments", "count")
    ),
    Event.REVIEW_LATE: EventRules(
        Audience.REVIEWER, variables=("assignment", "application", "call", "assignments", "count")
    ),
    Event.REVIEW_SUBMITTED: EventRules(
        Audience.STAFF, variables=("assignment", "application", "reviewer")
    ),
    Event.REVIEW_REOPENED: EventRules(
        Audience.REVIEWER, variables=("assignment", "application", "call", "reason")
    ),
    Event.REPLY_PHASE_OPEN: EventRules(Audience.APPLICANT, variables=("application", "call")),
    Event.DECISION: EventRules(
        Audience.APPLICANT, mandatory=True, variables=("application", "call", "context")
    ),
    Event.REPORT_READY: EventRules(Audience.STAFF, variables=("call", "application", "context")),
    # A funded project: `project` is projects.messages.project_facts.
    Event.AGREEMENT_READY: EventRules(
        Audience.PROJECT, variables=("project", "application", "call", "agreement")
    ),
    Event.AGREEMENT_SIGNED: EventRules(
        Audience.APPLICANT, variables=("project", "application", "call", "agreement")
    ),
    # One message a day per person, listing every agreement of theirs still unsigned.
    Event.AGREEMENT_UNSIGNED_REMINDER: EventRules(
        Audience.PROJECT, variables=("agreements", "count", "days", "for_staff")
    ),
    Event.PAYMENT_RECORDED: EventRules(
        Audience.APPLICANT, variables=("project", "application", "call", "payment")
    ),
    Event.AMENDMENT_ASKED: EventRules(
        Audience.STAFF, variables=("project", "application", "call", "amendment")
    ),
    Event.AMENDMENT_DECIDED: EventRules(
        Audience.PROJECT, variables=("project", "application", "call", "amendment")
    ),
    # `report` is projects.report_messages.report_facts: its title, due date, the review.
    Event.PROJECT_REPORT_SUBMITTED: EventRules(
        Audience.STAFF, variables=("project", "application", "call", "report")
    ),
    Event.PROJECT_REPORT_ACCEPTED: EventRules(
        Audience.PROJECT, variables=("project", "application", "call", "report")
    ),
    Event.PROJECT_REPORT_CHANGES: EventRules(
        Audience.PROJECT, variables=("project", "application", "call", "report")
    ),
    # One message a day per person, listing their reports due soon or late.
    Event.PROJECT_REPORT_REMINDER: EventRules(
        Audience.PROJECT, variables=("reports", "count", "days_before")
    ),
    # `collection` is labels.messages.collection_facts: its name, code, page and label dates.
    Event.COLLECTION_HOLDER_INVITED: EventRules(
        Audience.INVITEE, variables=("collection", "inviter"), secret_link=True
    ),
    Event.LABEL_RENEWAL_INVITED: EventRules(
        Audience.HOLDER, variables=("collection", "call", "apply_url")
    ),
    Event.LABEL_LAPSED: EventRules(Audience.HOLDER, variables=("collection",)),
}

# Every template also receives these.
COMMON_VARIABLES = (
    "recipient_name",
    "url",
    "site_name",
    "site_url",
    "preferences_url",
)

# Reviews are confidential: whatever a caller passes, a message to an applicant never receives
# the variables that could name a reviewer, so no template (not even one edited in the admin)
# can show one.
REVIEWER_IDENTITY = frozenset({"reviewer", "reviewers", "assignment", "assignments", "inviter"})

# Messages that are not events of the flow: the daily digest, and the account e-mails that
# allauth renders itself (sign-up confirmation, password reset...).
DIGEST = "digest"
ACCOUNT = "account"
KINDS = [
    *Event.choices,
    (DIGEST, _("Daily digest")),
    (ACCOUNT, _("Account e-mail")),
]
TEMPLATE_KINDS = [*Event.choices, (DIGEST, _("Daily digest"))]


def is_mandatory(event) -> bool:
    return event == ACCOUNT or (event in RULES and RULES[Event(event)].mandatory)


def audience(event) -> Audience | None:
    return RULES[Event(event)].audience if event in RULES else None


def template_variables(kind) -> tuple[str, ...]:
    if kind == DIGEST:
        return ("messages", *COMMON_VARIABLES)
    return (*RULES[Event(kind)].variables, *COMMON_VARIABLES)


def preference_events():
    """The events a user may choose how to receive (those sent to addresses have no account)."""
    return [event for event in Event if RULES[event].audience != Audience.INVITEE]
