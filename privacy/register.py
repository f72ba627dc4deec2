"""The register of processing (article 30 GDPR): what the platform holds about people, why, on
which basis, where, and for how long. It is data, read by the privacy notice page, by
docs/personal-data.md (written by `manage.py personal_data_register`, a test keeps the two equal)
and, through RETENTION_RULES, by the retention run that enforces the periods.

A period is a setting (PERSONAL_DATA_RETENTION in config/settings/base.py, each value from the
environment): the register names the setting, never a number of its own.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RetentionRule:
    """One period the retention run enforces, on what `name` says: `setting` is its key in
    settings.PERSONAL_DATA_RETENTION, `unit` "years" or "days", counted from `start`. What the
    run removes and what it keeps (for the network's statistics and audit) are said in words."""

    key: str
    name: str
    setting: str
    unit: str
    start: str
    removes: str
    keeps: str

    @property
    def period(self):
        return settings.PERSONAL_DATA_RETENTION[self.setting]

    @property
    def default_period(self):
        """The period when the environment does not set it (config/settings/base.py)."""
        return settings.PERSONAL_DATA_RETENTION_DEFAULTS[self.setting]

    @property
    def environment_variable(self):
        return f"RETENTION_{self.setting}"

    def period_in_words(self, count=None):
        """The period in the active language ("5 years", "365 days"): the setting's value, or
        `count`."""
        count = self.period if count is None else count
        if self.unit == "days":
            return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
        return ngettext("%(count)d year", "%(count)d years", count) % {"count": count}

    def in_words(self, count=None):
        """The period and its start in the active language ("5 years after the decision…"): the
        setting's value, or `count`."""
        return gettext("%(period)s %(start)s") % {
            "period": self.period_in_words(count),
            "start": self.start,
        }


RETENTION_RULES = {
    rule.key: rule
    for rule in (
        RetentionRule(
            "not_funded",
            _("Applications not funded"),
            "NOT_FUNDED_YEARS",
            "years",
            _(
                "after the decision, the ineligibility ruling, the withdrawal of the application "
                "or of its funding; after the call's closing when no decision was made"
            ),
            _(
                "names, e-mail addresses, ORCID iDs and free texts of the application, its team, "
                "its reviews and its letters; its files"
            ),
            _(
                "the reference, the call, the institution, states and dates, amounts, scores, "
                "recommendations and outcomes; a placeholder where a name was"
            ),
        ),
        RetentionRule(
            "funded",
            _("Funded applications"),
            "FUNDED_YEARS",
            "years",
            _(
                "after the funded project is closed or terminated (after the funding decision "
                "when no project followed it)"
            ),
            _(
                "names, e-mail addresses, ORCID iDs and free texts of the application, its team, "
                "its reviews and its letters; its files"
            ),
            _(
                "the reference, the call, the institution, states and dates, amounts, scores, "
                "recommendations and outcomes; a placeholder where a name was"
            ),
        ),
        RetentionRule(
            "abandoned_draft",
            _("Abandoned drafts"),
            "ABANDONED_DRAFT_YEARS",
            "years",
            _("after the draft's last change (a draft reopened after its submission included)"),
            _("the draft, its team, its budget, its files and any version submitted before"),
            _("the reference, the call, the institution and the dates"),
        ),
        RetentionRule(
            "inactive_account",
            _("Unused accounts"),
            "INACTIVE_ACCOUNT_YEARS",
            "years",
            _(
                "after the last sign-in (or the sign-up), when no application still kept has "
                "the account as its lead or one of its reviewers"
            ),
            _("name, e-mail address, ORCID iD, password, second factors and sessions"),
            _(
                "the account's row with a placeholder name, its institution and dates, so that "
                "the records that point to it stay whole"
            ),
        ),
        RetentionRule(
            "delivery_log",
            _("Messages and their delivery"),
            "DELIVERY_LOG_DAYS",
            "days",
            _("after the message was written"),
            _("messages, their e-mail addresses and the log of their delivery"),
            _("nothing of the message; the retention run logs how many it deleted"),
        ),
    )
}


@dataclass(frozen=True)
class Processing:
    """One processing of the register: the people it concerns, the data, the purpose, the legal
    basis, where the data live (models), who receives them and how long they are kept (a
    retention rule's key, or a text when the platform does not enforce the period itself)."""

    key: str
    name: str
    people: str
    data: str
    purpose: str
    basis: str
    where: tuple
    recipients: str
    retention: tuple  # keys of RETENTION_RULES
    retention_note: str = ""

    @property
    def retention_rules(self):
        return [RETENTION_RULES[key] for key in self.retention]


PUBLIC_INTEREST = _(
    "Public interest task of the network (article 6(1)(e) GDPR), entrusted to its member "
    "institutions by the Ministry of Higher Education and Research"
)

REGISTER = (
    Processing(
        "accounts",
        _("User accounts"),
        _("applicants, reviewers, council members, programme staff"),
        _(
            "first and last name, e-mail address, preferred language, ORCID iD, institution, "
            "password (hashed), second factors (encrypted), dates of sign-up and last sign-in"
        ),
        _("Signing in, writing to people in their language, finding conflicts of interest"),
        PUBLIC_INTEREST,
        ("accounts.User", "account.EmailAddress", "mfa.Authenticator", "sessions.Session"),
        _("programme staff (never the second factors' keys)"),
        ("inactive_account",),
    ),
    Processing(
        "applications",
        _("Applications"),
        _("lead applicants and the members of their teams; people they ask not to review"),
        _(
            "names, e-mail addresses, ORCID iDs, institutions and roles of the team; the "
            "answers (free texts), budget, attachments (CVs, letters) and the submitted "
            "snapshot with its receipt"
        ),
        _("Receiving applications to calls and selecting the projects the network funds"),
        PUBLIC_INTEREST,
        (
            "applications.Application",
            "applications.TeamMember",
            "applications.TeamInvitation",
            "applications.ExcludedReviewer",
            "applications.Attachment",
            "applications.Submission",
        ),
        _(
            "programme staff; the reviewers assigned to the application; the council members "
            "who decide; the team members the lead invited"
        ),
        ("not_funded", "funded", "abandoned_draft"),
    ),
    Processing(
        "reviews",
        _("Peer review"),
        _("reviewers and members of the scientific council"),
        _(
            "identity, expertise (disciplines, keywords, languages), declared conflicts of "
            "interest and their reasons, scores, comments (for the applicant and confidential), "
            "consensus reports"
        ),
        _("Assessing applications fairly and without conflicts of interest"),
        PUBLIC_INTEREST,
        (
            "reviews.ReviewerProfile",
            "reviews.Invitation",
            "reviews.Assignment",
            "reviews.ConflictDeclaration",
            "reviews.TeamClaim",
            "reviews.Review",
            "reviews.ConsensusReport",
            "reviews.Reply",
        ),
        _(
            "programme staff and council members; applicants read the comments meant for them, "
            "never a reviewer's name"
        ),
        ("not_funded", "funded"),
        _("The scores stay for the network's statistics; the comments go with the application."),
    ),
    Processing(
        "decisions",
        _("Decisions and letters"),
        _("lead applicants; the staff and council members who record decisions"),
        _("the decision, its motivation and conditions, the letter sent and who sent it"),
        _("Recording and announcing the funding decisions of the governing bodies"),
        PUBLIC_INTEREST,
        ("decisions.Decision", "decisions.Letter", "applications.ApplicationEvent"),
        _("programme staff, council members, the lead applicant and the invited team"),
        ("not_funded", "funded"),
        _("Amounts, outcomes and dates stay for the network's statistics and audit."),
    ),
    Processing(
        "projects",
        _("Funded projects"),
        _("the finance contacts of the administrative carriers; the leads and teams of projects"),
        _(
            "the carrier institution, its finance contact's name and e-mail, the project's "
            "dates, amount and state, the reasons for a suspension or a termination; the "
            "agreement's versions (texts and PDFs naming the lead and the carrier), who signed "
            "them, when and in which role, and the signed copies; the amendments asked, their "
            "justifications, attachments and the reasons of their decision; payments; the "
            "reports' answers, spending, files and staff's review comments, who submitted and "
            "reviewed them; the deliverables declared, who declared them"
        ),
        _("Following a funded project from its agreement to its closure"),
        PUBLIC_INTEREST,
        (
            "projects.Project",
            "projects.AgreementVersion",
            "projects.Signature",
            "projects.Amendment",
            "projects.Payment",
            "projects.ProjectReport",
            "projects.ReportSubmission",
            "projects.ReportAttachment",
            "projects.Deliverable",
            "applications.ApplicationEvent",
        ),
        _(
            "programme staff, council members, the lead and the team members who joined; the "
            "accounting office (the payments export)"
        ),
        ("funded",),
        _(
            "The finance contact, the reasons, the agreement's texts and PDFs, the signers, "
            "the signed copies, the amendments' texts and files, the reports' written answers, "
            "files and review comments, and the descriptions and web addresses of deliverables "
            "not made public go with the dossier; amounts, dates, states, version numbers, the "
            "reports' kinds, due dates and fingerprints stay. Public deliverables stay as "
            "published open data (titles, identifiers, licences), as the research output they "
            "are."
        ),
    ),
    Processing(
        "collections",
        _("Holders of labelled collections"),
        _("the holders of labelled collections and the people they invite to keep them"),
        _(
            "who keeps which collection's record (their role, who added them and when), the "
            "e-mail addresses invited to keep a record and who invited them, who made each "
            "version of a record"
        ),
        _(
            "Letting the holders of labelled collections keep their records up to date, and "
            "staff read who changed what"
        ),
        PUBLIC_INTEREST,
        ("labels.CollectionHolder", "labels.HolderInvitation", "labels.RecordVersion"),
        _("programme staff; the other holders of the same collection"),
        ("inactive_account", "delivery_log"),
        _(
            "A holding lasts as long as the account: an account that keeps a collection whose "
            "label holds is not unused. Invitations go with the messages' period. The records "
            "describe collections, not people: they stay, without the name of who changed them "
            "once that account is anonymised."
        ),
    ),
    Processing(
        "messages",
        _("Messages and e-mails"),
        _("everyone with an account; reviewers and team members invited by e-mail"),
        _("e-mail address, the message's text, when it was sent and delivery errors"),
        _("Telling people what concerns them, and proving a message was sent"),
        PUBLIC_INTEREST,
        ("notifications.Message", "notifications.Delivery", "notifications.Preference"),
        _("programme staff (the delivery log)"),
        ("delivery_log",),
        _(
            "A message that names someone, a person who erased their account included, stays "
            "in its recipients' inboxes and in the delivery log until this period ends."
        ),
    ),
    Processing(
        "governance_reports",
        _("Governance reports"),
        _(
            "lead applicants and their teams, reviewers, the staff or council member a report "
            "is made for"
        ),
        _(
            "dossier books: the submitted applications (names, texts, team) with their reviews "
            "and reviewers' names; call reports: reviewers' names, conflicts of interest and "
            "scores; programme and year reports: figures only, no names"
        ),
        _("Preparing the deliberations of the scientific council and the members' council"),
        PUBLIC_INTEREST,
        ("reports.Report",),
        _("programme staff and council members"),
        (),
        _(
            "A dossier book or call report is kept until the first dossier of its call is "
            "anonymised, or someone it names is: the retention run then deletes it, and staff "
            "can build it again from what remains. Programme and year reports are kept."
        ),
    ),
    Processing(
        "privacy_log",
        _("Log of personal data requests"),
        _("people who export or erase their data; staff who place holds"),
        _("who asked, when, and what was done (no copy of the data)"),
        _("Showing the data protection officer that requests were met"),
        _("Legal obligation (article 6(1)(c) GDPR): accountability"),
        ("privacy.PrivacyEvent", "privacy.Hold", "privacy.Anonymisation"),
        _("the data protection officer and programme staff"),
        (),
        _("Kept as long as the records it concerns; it names no one once they are anonymised."),
    ),
    Processing(
        "server_logs",
        _("Server logs"),
        _("every visitor"),
        _("IP address, address requested, time, browser, request identifier"),
        _("Security of the service and diagnosing errors"),
        _("Legitimate interest (article 6(1)(f) GDPR): security"),
        (
            "nginx access log",
            "application log (JSON lines)",
            "Sentry (names and addresses scrubbed)",
        ),
        _("the network's IT team"),
        (),
        _("One year at most, by the servers' log rotation (docs/deploy)."),
    ),
)
