"""The one place that removes a record's personal data: an application (its dossier, from the
draft to the letters) or an account. What makes a record countable stays: states, dates,
amounts, scores, recommendations, outcomes, the institution, the call and the reference.

Each removal is one transaction that ends by writing the record's Anonymisation row: a failure
anywhere leaves the record whole and no row. Stored files are deleted only once the transaction
has committed, so that a rollback never loses a file.

A submission's fingerprint proves what was received; once its snapshot is anonymised the two no
longer match, by design: each rewrite records the fingerprint of the content it wrote
(SnapshotRewrite), and `manage.py verify_integrity` checks a rewritten snapshot against it.
"""

import copy
import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import (
    Application,
    ApplicationEvent,
    Attachment,
    BudgetLine,
    ExcludedReviewer,
    TeamInvitation,
    TeamMember,
)
from applications.snapshot import fingerprint
from calls.blocks import question_kind
from common.errors import Refused
from decisions.models import Decision, Letter
from notifications.models import Message, Preference
from projects.models import (
    AgreementVersion,
    Amendment,
    Deliverable,
    Payment,
    Project,
    ProjectReport,
    ReportAttachment,
    ReportSubmission,
    Signature,
)
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    ConsensusReport,
    ConsensusScore,
    EligibilityScreening,
    Reply,
    Review,
    ReviewerProfile,
    ReviewScore,
    TeamClaim,
)

from .holdings import clear_holdings
from .mentions import Person, account_placeholder, clear_mentions, erased_email
from .models import Anonymisation, SnapshotRewrite
from .rules import is_anonymised, is_held

logger = logging.getLogger(__name__)

# The rule of an erasure the person asked for (the others are keys of RETENTION_RULES).
ERASURE = "erasure"


class AnonymisationRefused(Refused):
    pass


def application_placeholder(reference):
    """The title an anonymised application keeps: its reference, in the site's language (it is
    stored, as the title was)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Anonymised application %(reference)s") % {"reference": reference}


# Applications


def anonymise_application(application, *, rule, actor=None):
    """Remove the personal data of `application` and of everything hanging from it, in one
    transaction; refused when it is already anonymised or held. Returns its Anonymisation."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        )
        if is_anonymised(actor, application):
            raise AnonymisationRefused(_("This application is already anonymised."))
        if is_held(actor, application):
            raise AnonymisationRefused(_("This application is held: it cannot be anonymised."))
        files = clear_application(application) + clear_project(application)
        submissions = list(application.submissions.all())
        for submission in submissions:
            submission.content = anonymised_snapshot(submission.content)
            submission.save(update_fields=["content"])
        clear_assessment(application)
        done = Anonymisation.objects.create(application=application, rule=rule)
        record_rewrites(done, submissions)
        transaction.on_commit(lambda: delete_files(files))
    logger.info("Application %s anonymised (%s).", application.reference, rule)
    return done


def clear_application(application):
    """The draft's texts, team, invitations, exclusions, budget descriptions and attachments
    (the rows; the files' storage and names are returned, to be deleted after the commit)."""
    questions = list(application.call.questions.raw_data)
    Application.objects.filter(pk=application.pk).update(
        title=application_placeholder(application.reference),
        answers=kept_answers(questions, application.answers),
        keywords="",
    )
    TeamMember.objects.filter(application=application).update(name="", email="", orcid="")
    TeamInvitation.objects.filter(application=application).delete()
    ExcludedReviewer.objects.filter(application=application).delete()
    BudgetLine.objects.filter(application=application).update(description="")
    attachments = Attachment.objects.filter(application=application)
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments]
    attachments.delete()
    return files


def clear_assessment(application):
    """What reviewers, the council and staff wrote about the application; their scores,
    recommendations and outcomes stay."""
    ApplicationEvent.objects.filter(application=application).update(reason="")
    EligibilityScreening.objects.filter(application=application).update(reason="")
    Assignment.objects.filter(application=application).update(note="")
    ConflictDeclaration.objects.filter(assignment__application=application).update(reason="")
    TeamClaim.objects.filter(application=application).update(member_name="")
    reviews = Review.objects.filter(assignment__application=application)
    reviews.update(comment_for_applicant="", confidential_comment="", reopen_reason="")
    ReviewScore.objects.filter(review__in=reviews).update(comment="")
    ConsensusReport.objects.filter(application=application).update(
        majority_view="", minority_view="", comment_for_applicant="", override_reason=""
    )
    ConsensusScore.objects.filter(report__application=application).update(comment="")
    Reply.objects.filter(application=application).update(text="")
    Decision.objects.filter(application=application).update(
        proposal_motivation="", motivation="", conditions="", override_reason=""
    )
    Letter.objects.filter(decision__application=application).update(
        subject=application_placeholder(application.reference), body=""
    )
    Project.objects.filter(decision__application=application).update(
        finance_contact_name="", finance_contact_email="", state_reason=""
    )


def clear_project(application):
    """The funded project's agreement texts, PDFs and reasons, the signers and their signed
    copies, the reasons for paying without a condition, the amendments' justifications and
    attachments (the files are returned, to be deleted after the
    commit). The versions' numbers and dates, who recorded what, the amendments' kinds, states and
    amounts stay. A version is otherwise never changed (projects.agreements): this update is the
    one exception, on purpose, once the retention period is over."""
    project = {"project__decision__application": application}
    files = []
    versions = AgreementVersion.objects.filter(**project)
    signatures = Signature.objects.filter(version__project__decision__application=application)
    amendments = Amendment.objects.filter(**project).exclude(attachment="")
    for version in versions.exclude(pdf=""):
        files.append((version.pdf.storage, version.pdf.name))
    for signature in signatures.exclude(signed_copy=""):
        files.append((signature.signed_copy.storage, signature.signed_copy.name))
    for amendment in amendments:
        files.append((amendment.attachment.storage, amendment.attachment.name))
    versions.update(
        title=application_placeholder(application.reference),
        body="",
        figures={},
        pdf="",
        reason="",
    )
    Payment.objects.filter(**project).update(override_reason="")
    signatures.update(signer_name="", signer_role="", signed_copy="", original_name="")
    Amendment.objects.filter(**project).update(
        justification="",
        team_change="",
        decision_reason="",
        attachment="",
        attachment_name="",
    )
    return files + clear_reports(application)


def clear_reports(application):
    """The reports' texts and files: their answers but those that are not words or files, the
    comments of staff's reviews, the submitted snapshots (as an application's: anonymised_report)
    and the files (returned, to be deleted after the commit). Kinds, states, due dates, the
    questions asked, amounts spent and the submissions' numbers, dates and fingerprints stay: a
    fingerprint proves what was received, and no longer matches the rewritten snapshot, by design
    (as an application's). Deliverables: public ones stay whole, published open data on the
    research output; a non-public one loses its description and web address."""
    reports = ProjectReport.objects.filter(project__decision__application=application)
    for report in reports:
        report.answers = kept_answers(report.questions, report.answers)
        report.review_comment = ""
        report.save(update_fields=["answers", "review_comment"])
    for submission in ReportSubmission.objects.filter(report__in=reports):
        submission.content = anonymised_report(submission.content)
        submission.save(update_fields=["content"])
    attachments = ReportAttachment.objects.filter(report__in=reports)
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments]
    attachments.delete()
    Deliverable.objects.filter(project__decision__application=application, is_public=False).update(
        description="", url=""
    )
    return files


def kept_answers(questions, answers):
    """The answers that are not words or files (a choice, a number, a date): they count
    without naming anyone. An answer to a question the snapshot no longer lists goes too."""
    kinds = {question.get("id"): question_kind(question.get("type")) for question in questions}
    return {
        key: value
        for key, value in (answers or {}).items()
        if key in kinds and not (kinds[key].is_text or kinds[key].is_file)
    }


def anonymised_snapshot(content):
    """A submitted snapshot without its personal parts: the reference, dates, call, questions,
    disciplines, roles, institutions, amounts and the files' types, sizes and fingerprints stay."""
    content = copy.deepcopy(content)
    content["title"] = application_placeholder(content.get("reference", ""))
    content["lead"] = {"name": "", "email": ""}
    content["answers"] = kept_answers(content.get("questions") or [], content.get("answers"))
    content["keywords"] = ""
    for member in content.get("team") or []:
        member.update(name="", email="", orcid="")
    for line in (content.get("budget") or {}).get("lines") or []:
        line["description"] = ""
    for attachment in content.get("attachments") or []:
        attachment["name"] = ""
    content["excluded_reviewers"] = []
    return content


def anonymised_report(content):
    """A report's submitted snapshot without its personal parts: the reference, the report's
    kind and title, dates, questions, the answers that are not words or files, the spending and
    the files' types, sizes and fingerprints stay."""
    content = copy.deepcopy(content)
    content["project_title"] = application_placeholder(content.get("reference", ""))
    content["answers"] = kept_answers(content.get("questions") or [], content.get("answers"))
    for attachment in content.get("attachments") or []:
        attachment["name"] = ""
    return content


def delete_files(files):
    """After the commit: a file that cannot be deleted is logged (its row is gone already), and
    the others are still deleted."""
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Anonymisation could not delete the stored file %s.", name)


# Accounts


def anonymise_account(user, *, rule, actor=None):
    """Remove a person's personal data from their account: it keeps its row (reviews, decisions
    and logs point to it) under a placeholder name; its names, addresses, ORCID iD, second
    factors, social accounts, sessions, notification settings, messages, the collections it
    keeps and its invitations to keep them go (privacy.holdings). Refused when the
    account is already anonymised. Returns its Anonymisation.

    What else goes depends on why. An erasure (rule "erasure": the person asks) removes the
    person everywhere (privacy.mentions): the snapshots and rows of every application that names
    them, theirs or others', read under the placeholder, and each snapshot rewritten is recorded
    with its new fingerprint. The retention of an inactive account (rule "inactive_account")
    removes only the account: the rows and snapshots of applications are left as they are, kept
    or anonymised on their own dossier's period (a team or a reviewer still needed stays named
    there until then)."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_anonymised(actor, user):
            raise AnonymisationRefused(_("This account is already anonymised."))
        rewritten = clear_mentions(Person.of(user)) if rule == ERASURE else []
        clear_holdings(user)
        clear_sign_in(user)
        user.first_name, user.last_name = account_placeholder(), ""
        user.email, user.orcid, user.is_active = erased_email(user), "", False
        user.set_unusable_password()
        user.save(
            update_fields=["first_name", "last_name", "email", "orcid", "is_active", "password"]
        )
        done = Anonymisation.objects.create(user=user, rule=rule)
        record_rewrites(done, rewritten)
    logger.info("Account %s anonymised (%s).", user.pk, rule)
    return done


def record_rewrites(anonymisation, submissions):
    """The fingerprint of each snapshot's new content, for `manage.py verify_integrity`."""
    SnapshotRewrite.objects.bulk_create(
        SnapshotRewrite(
            submission=submission,
            anonymisation=anonymisation,
            fingerprint=fingerprint(submission.content),
        )
        for submission in submissions
    )


def clear_sign_in(user):
    """What lets the person sign in or be written to, and what they set for themselves."""
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Session.objects.filter(pk__in=session_keys(user)).delete()
    Preference.objects.filter(user=user).delete()
    Message.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    ReviewerProfile.objects.filter(user=user).update(keywords="")


def session_keys(user):
    """The keys of the person's unexpired sessions (the database sessions name the user only
    inside their encoded data): none for an account that never signed in."""
    if user.last_login is None:
        return []
    pk = str(user.pk)
    sessions = Session.objects.filter(expire_date__gt=timezone.now())
    return [
        session.pk
        for session in sessions.iterator()
        if session.get_decoded().get("_auth_user_id") == pk
    ]
