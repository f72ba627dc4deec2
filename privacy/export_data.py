"""What the platform holds about one person, as plain values for the files of their export.

Each function returns the content of one JSON file: stable English keys, choices as their
labels in the language active when it runs (the person's), dates as date or datetime objects
(written in ISO 8601 by the encoder), amounts as Decimal. Each costs a fixed number of queries
whatever the number of rows (prefetches), so that a person with many rows exports as fast;
only the comments of an application that shows them cost their own few queries (they are read
by reviews.confidentiality, the pages' source).

What is never read here: password hashes, second factors' secrets and recovery codes, invitation
tokens (or their hashes), session keys, sealed copies of messages (the personal links). What
an applicant's file holds about the reviews and the decision of their applications is what
their pages show them, asked by the same rules: the comments meant for them while they may
reply to them or once a letter was sent, with reviewers' names blacked out; the decision once
a letter told it. Never who reviewed, their confidential comments, nor the audit rows about
assignments and reviews. A reviewer's file holds their own reviews and declarations, never
another reviewer.
"""

import re
from collections import defaultdict

import rules
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.roles import Role
from applications.audit import ACTIONS
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    AuditSubject,
    Submission,
    TeamInvitation,
    TeamMember,
)
from applications.rules import judged_at
from decisions.models import Letter
from notifications.models import Preference
from projects.models import ReportSubmission
from reviews.confidentiality import comments_for_applicant, read_reviewers, redact_reviewers
from reviews.models import ReviewerProfile

# The lead's history: the application's own moves (submitted, screened, withdrawn, decided),
# never the rows about assignments and reviews, which carry who reviewed.
OWN_EVENTS = AuditSubject.APPLICATION
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
# The lead's own event whose reason is the decision's motivation (decisions.services).
DECIDE = "decide"


def label(field_choices, value):
    """The label of a stored choice in the active language ("" stays "")."""
    return str(dict(field_choices).get(value, value)) if value else ""


def account(user):
    user = get_user_model().objects.select_related("institution").get(pk=user.pk)
    groups = user.groups.values_list("name", flat=True)
    profile = ReviewerProfile.objects.filter(user=user).prefetch_related("disciplines").first()
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.get_language_display(),
        "orcid": user.orcid,
        "institution": str(user.institution) if user.institution_id else "",
        "signed_up_at": user.date_joined,
        "last_sign_in_at": user.last_login,
        "roles": [label(Role.choices, name) for name in groups],
        "email_addresses": [
            {"email": row.email, "verified": row.verified, "primary": row.primary}
            for row in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "connected_accounts": [
            {"provider": row.provider, "identifier": row.uid, "connected_at": row.date_joined}
            for row in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        # Which second factors exist and when they were used; never their secrets.
        "second_factors": [
            {
                "kind": label(Authenticator.Type.choices, row.type),
                "created_at": row.created_at,
                "last_used_at": row.last_used_at,
            }
            for row in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "notification_preferences": [
            {"message": row.get_event_display(), "email": row.get_email_mode_display()}
            for row in Preference.objects.filter(user=user).order_by("event")
        ],
        "reviewer_profile": reviewer_profile(profile) if profile else None,
    }


def reviewer_profile(profile):
    return {
        "kind": profile.get_kind_display(),
        "disciplines": [str(discipline) for discipline in profile.disciplines.all()],
        "expertise_keywords": profile.keywords,
        "languages": profile.languages,
        "maximum_dossiers_per_call": profile.max_load,
    }


# Applications the person leads


def applications(user):
    """The applications `user` leads, each with what its lead may read."""
    rows = list(
        Application.objects.led_by(user)
        .select_related("call", "decision__project__carrier", "reply")
        .prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.select_related("institution")),
            "budget_lines",
            "excluded_reviewers",
            "attachments",
            "disciplines",
            Prefetch("submissions", queryset=Submission.objects.defer("content")),
            Prefetch(
                "events", queryset=ApplicationEvent.objects.filter(subject=AuditSubject.APPLICATION)
            ),
            Prefetch("decision__letters", queryset=Letter.objects.order_by("sent_at", "pk")),
            "decision__project__instalments",
            "decision__project__payments",
            "decision__project__amendments",
            Prefetch(
                "decision__project__reports__submissions",
                queryset=ReportSubmission.objects.defer("content"),
            ),
            "decision__project__reports__attachments",
            "decision__project__deliverables",
        )
        .order_by("pk")
    )
    read_reviewers(rows)
    now = timezone.now()
    return [application_entry(row, user, now) for row in rows]


def application_entry(application, user, now):
    letters = letters_shown(application)
    told = decision_told(application, letters)
    state_label = dict(ApplicationState.choices)
    return {
        "reference": application.reference,
        "title": application.title,
        "call": str(application.call),
        "state": application.get_state_display(),
        "created_at": application.created_at,
        "last_change_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "keywords": application.keywords,
        "disciplines": [str(discipline) for discipline in application.disciplines.all()],
        "answers": application.answers,
        "team": [team_row(row) for row in application.team.all()],
        "budget": [
            {
                "category": row.get_category_display(),
                "description": row.description,
                "amount_requested": row.amount_requested,
                "cofunding": row.cofunding,
            }
            for row in application.budget_lines.all()
        ],
        "people_excluded_from_reviewing": [
            {
                "name": row.name,
                "email": row.email,
                "institution": row.institution_name,
                "reason": row.reason,
            }
            for row in application.excluded_reviewers.all()
        ],
        "attachments": [
            {
                "file": attachment_path(application, row),
                "question": row.question_id,
                "content_type": row.content_type,
                "size": row.size,
                "sha256": row.sha256,
                "uploaded_at": row.uploaded_at,
            }
            for row in application.attachments.all()
        ],
        "submissions": [
            {"number": row.number, "received_at": row.received_at, "fingerprint": row.fingerprint}
            for row in sorted(application.submissions.all(), key=lambda row: row.number)
        ],
        "history": [
            {
                "action": label(ACTIONS[OWN_EVENTS].items(), event.action),
                "from": label(state_label.items(), event.from_state),
                "to": label(state_label.items(), event.to_state),
                # The decision's motivation, which only its letter tells.
                "reason": ""
                if event.action == DECIDE and not told
                else redact_reviewers(application, event.reason),
                "at": event.created_at,
            }
            for event in application.events.all()
        ],
        "comments_for_you": comments_shown(application, user, now, letters),
        "your_reply": reply_of(application),
        "decision": decision_of(application, letters, told),
        "funded_project": project_of(application, told),
    }


def team_row(row):
    return {
        "name": row.name,
        "email": row.email,
        "orcid": row.orcid,
        "institution": row.institution_label,
        "role": row.get_role_display(),
        "leads_the_project": row.is_lead,
    }


def attachment_path(application, attachment):
    """Where the file lies in the ZIP: a folder per application, the file's original name made
    safe (no folder, no control character), with the attachment's number in front so that two
    files of the same name stay apart."""
    name = UNSAFE.sub("_", attachment.original_name.rsplit("/", 1)[-1]).strip(" ._") or "file"
    return f"files/{application.reference}/{attachment.pk}-{name[:120]}"


def reply_of(application):
    reply = getattr(application, "reply", None)
    if reply is None or not reply.text:
        return None
    return {"text": reply.text, "last_change_at": reply.updated_at}


def letters_shown(application):
    """The letters the application's page lists (applications/edit.html includes
    decisions/letters/partials/applicant_letters.html): those sent, once it is decided."""
    decision = getattr(application, "decision", None)
    if decision is None or not application.is_decided:
        return []
    return list(decision.letters.all())


def decision_told(application, letters):
    """Whether a letter told the lead the decision as it stands: one was sent for its current
    outcome (what decisions.letters.decisions_without_letter asks). A decision recorded and not
    sent, or changed since its letter (funding withdrawn), is not told yet."""
    return any(letter.outcome == application.decision.outcome for letter in letters)


def decision_of(application, letters, told):
    """The letters sent and, once a letter told it, the decision itself; None while the
    application's page shows no letter."""
    if not letters:
        return None
    decision = application.decision
    return {
        "outcome": decision.get_outcome_display() if told else None,
        "amount_granted": decision.amount_granted if told else None,
        "conditions": decision.conditions if told else "",
        "reserve_rank": decision.reserve_rank if told else None,
        "decided_at": decision.decided_at if told else None,
        "letters": [
            {
                "subject": letter.subject,
                "text": letter.body,
                "language": letter.language,
                "sent_at": letter.sent_at,
            }
            for letter in letters
        ],
    }


def project_of(application, told):
    """The funded project as its page shows it to the lead: facts, schedule, payments, the
    amendments asked, the reports and the deliverables (the agreement's PDFs and the reports'
    files are on the project's pages)."""
    project = getattr(getattr(application, "decision", None), "project", None)
    if project is None or not told:
        return None
    return {
        "state": project.get_state_display(),
        "administrative_carrier": str(project.carrier or ""),
        "finance_contact": project.finance_contact_name,
        "finance_contact_email": project.finance_contact_email,
        "amount_granted": project.amount_granted,
        "agreement_signed_on": project.signed_on,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "schedule": [
            {
                "label": row.label,
                "amount": row.amount,
                "planned_on": row.planned_on,
                "condition": row.get_condition_display(),
            }
            for row in project.instalments.all()
        ],
        "payments": [
            {"paid_on": row.paid_on, "amount": row.amount, "reference": row.reference}
            for row in project.payments.all()
        ],
        "amendments": [
            {
                "kind": row.get_kind_display(),
                "state": row.get_state_display(),
                "justification": row.justification,
                "asked_at": row.asked_at,
                "decided_at": row.decided_at,
                "reason_of_the_decision": row.decision_reason,
            }
            for row in project.amendments.all()
        ],
        "reports": [project_report(row) for row in project.reports.all()],
        "deliverables": [deliverable(row) for row in project.deliverables.all()],
    }


def project_report(report):
    """A report as the lead wrote it, its submissions' receipts and the comment staff's review
    sent them (told in the message of the review, shown on the report's page)."""
    return {
        "title": report.title,
        "kind": report.get_kind_display(),
        "state": report.get_state_display(),
        "due_on": report.due_on,
        "answers": report.answers,
        "spending": report.spending,
        "files": [
            {
                "name": row.original_name,
                "type": row.content_type,
                "size": row.size,
                "sha256": row.sha256,
                "uploaded_at": row.uploaded_at,
            }
            for row in report.attachments.all()
        ],
        "submissions": [
            {"number": row.number, "received_at": row.received_at, "fingerprint": row.fingerprint}
            for row in report.submissions.all()
        ],
        "review_comment": report.review_comment if report.reviewed_at else "",
        "reviewed_at": report.reviewed_at,
    }


def deliverable(row):
    return {
        "title": row.title,
        "kind": row.get_kind_display(),
        "description": row.description,
        "identifier_scheme": row.get_identifier_scheme_display(),
        "identifier": row.identifier,
        "web_address": row.url,
        "licence": row.get_licence_display(),
        "public": row.is_public,
        "declared_at": row.declared_at,
    }


def comments_shown(application, user, now, letters):
    """The comments meant for the lead, when their pages show them: on the reply page while
    they may write their reply (the rule reviews.write_reply, asked itself so that a superuser
    gets no more), or in a letter sent. Read as the pages read them
    (reviews.confidentiality.comments_for_applicant: reviewers' names blacked out)."""
    if letters or rules.has_perm("reviews.write_reply", user, judged_at(application, now)):
        return comments_for_applicant(application)
    return []


# Applications the person joined as a team member


def team_memberships(user):
    """The applications `user` reads as a member of their team: invitations accepted whose
    address is still a team row (the rule applications.rules.is_team_member asks); a member the
    lead removed reads nothing more, and finds nothing here."""
    invitations = list(
        TeamInvitation.objects.joined(user)
        .select_related("application__call", "application__lead")
        .order_by("accepted_at", "pk")
    )
    addresses = {invitation.email.lower() for invitation in invitations}
    rows = defaultdict(list)
    for row in (
        TeamMember.objects.filter(application__in=[i.application_id for i in invitations])
        .annotate(address=Lower("email"))
        .filter(address__in=addresses)
        .select_related("institution")
    ):
        rows[(row.application_id, row.address)].append(team_row(row))
    return [
        {
            "reference": invitation.application.reference,
            "title": invitation.application.title,
            "call": str(invitation.application.call),
            "state": invitation.application.get_state_display(),
            "lead_applicant": str(invitation.application.lead),
            "invited_at": invitation.sent_at,
            "accepted_at": invitation.accepted_at,
            "your_rows_in_the_team": rows.get(
                (invitation.application_id, invitation.email.lower()), []
            ),
        }
        for invitation in invitations
    ]
