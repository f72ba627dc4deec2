"""A funded project's agreement: its versions, made by staff from the template for the call's
kind in the carrier's language (projects.agreement_text), and the two parties' signatures.

A version, once made, never changes (AgreementVersion.save refuses): a changed agreement is a
new version. A version that one party signed is not replaced by a new one before the other
signs. When both parties have signed the latest version, the version is signed; the first one
signed moves the project from "agreement in preparation" to "agreement signed"
(projects.services.sign_agreement), with the dates the signed version states.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from applications import audit
from applications.attachments import AttachmentRefused, clean_name, detect_type, read_checked
from applications.models import AuditSubject
from common.errors import Refused
from common.formats import PARIS
from common.permissions import require

from . import messages, services
from .agreement_text import (
    AgreementTextError,
    agreement_language,
    agreement_pdf,
    figures_of,
    render_agreement,
)
from .models import AgreementVersion, Party, ProjectState, Signature
from .payments import locked
from .reports import plan_reports

MB = 1024 * 1024
PREPARE = "projects.prepare_agreement"
SIGN = "projects.record_signature"


class AgreementError(Refused):
    """An agreement version or a signature that the rules, the dates or the file do not allow;
    `problems` maps a field ("signed_copy", "signed_on", ...) to its messages."""


def latest_version(project):
    return project.agreement_versions.order_by("-number").first()


# Versions


def prepare_version(project, actor, *, reason="", amendment=None, planned=None):
    """Make the next version of `project`'s agreement: rendered from the template for its call's
    kind in the carrier's language, over the project's facts now, kept with those facts and its
    PDF. Refused without a carrier, when the rule says no (staff, a decision still funded, a
    project not ended), and while the latest version carries one signature only.

    planned: {"start_date", "duration_months"} staff give while the project is in preparation
    (the dates the agreement states), saved on the project first; afterwards the dates change
    only through amendments."""
    reason = reason.strip()
    with transaction.atomic():
        project = locked(project)
        require(
            actor,
            PREPARE,
            project,
            AgreementError,
            _("Only programme staff prepare the agreement of a funded project that is not ended."),
        )
        if project.carrier is None:
            raise AgreementError(
                _("Set the administrative carrier before preparing the agreement.")
            )
        call = project.application.call
        if planned:
            plan(project, **planned)
        if not (project.duration_months or call.project_duration_months):
            raise AgreementError(
                _("Give the project's duration before preparing the agreement."),
                problems={"duration_months": [_("Give the project's duration.")]},
            )
        previous = latest_version(project)
        if previous is not None and not previous.is_signed:
            signed = [str(signature.get_party_display()) for signature in previous.signatures.all()]
            if signed:
                raise AgreementError(
                    _(
                        "Version %(number)s already carries the signature of %(party)s: record "
                        "the other party's signature on it. A version signed by one party is "
                        "not replaced by a new one."
                    )
                    % {"number": previous.number, "party": ", ".join(signed)}
                )
        number = (previous.number if previous else 0) + 1
        language = agreement_language(project)
        with translation.override(language):
            figures = figures_of(project, version=number, reason=reason)
        try:
            text = render_agreement(call.kind, language, figures)
        except AgreementTextError as error:  # a template that fails on this project's facts
            raise AgreementError(error.message, problems=error.problems) from None
        pdf = agreement_pdf(text.title, text.body, language, figures)
        version = AgreementVersion(
            project=project,
            number=number,
            language=language,
            title=text.title,
            body=text.body,
            figures=figures,
            sha256=hashlib.sha256(pdf).hexdigest(),
            reason=reason,
            amendment=amendment,
            created_by=actor,
        )
        version.pdf.save(f"v{number}.pdf", ContentFile(pdf), save=False)
        try:
            version.save()
            audit.record(
                project.decision.application_id,
                actor,
                AuditSubject.PROJECT,
                "prepare_agreement",
                reason=(
                    _("Version %(number)s: %(reason)s") % {"number": number, "reason": reason}
                    if reason
                    else _("Version %(number)s") % {"number": number}
                ),
            )
            messages.agreement_ready(version)
        except BaseException:  # no file left behind a row that was not made
            version.pdf.storage.delete(version.pdf.name)
            raise
    return version


def plan(project, *, start_date=None, duration_months=None):
    """The dates staff planned, saved on the project while its agreement is in preparation."""
    if project.state != ProjectState.AGREEMENT_PREPARATION:
        raise AgreementError(
            _("The dates of a project whose agreement is signed change through an amendment.")
        )
    project.start_date = start_date
    project.duration_months = duration_months or None
    project.save(update_fields=["start_date", "duration_months", "updated_at"])
    plan_reports(project)


# Signatures


def record_signature(
    version, actor, *, party, signer_name, signer_role, signed_on, signed_copy
) -> Signature:
    """Record `party`'s signature of `version`, with the signed copy (a PDF, checked by content,
    kept in private storage). Once both parties have signed, the version is signed; if the
    project is still in preparation, it moves to "agreement signed" with the dates the version
    states: from the later signature when the call says so."""
    name = clean_name(getattr(signed_copy, "name", ""))[:100] or _("file")
    with transaction.atomic():
        project = locked(version.project)
        require(
            actor,
            SIGN,
            project,
            AgreementError,
            _("Only programme staff record the signatures of a funded project that is not ended."),
        )
        size, sha256 = check_signed_copy(signed_copy, name)
        version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
        check_signature(project, version, party, signed_on)
        signature = Signature(
            version=version,
            party=party,
            signer_name=signer_name.strip(),
            signer_role=signer_role.strip(),
            signed_on=signed_on,
            original_name=name if name.lower().endswith(".pdf") else f"{name}.pdf",
            size=size,
            sha256=sha256,
            recorded_by=actor,
        )
        signature.signed_copy.save(sha256, signed_copy, save=False)
        stored = signature.signed_copy
        try:
            signature.save()
            audit.record(
                project.decision.application_id,
                actor,
                AuditSubject.PROJECT,
                "record_signature",
                reason=_("Version %(number)s, %(party)s: %(name)s%(role)s, %(date)s")
                % {
                    "number": version.number,
                    "party": signature.get_party_display(),
                    "name": signature.signer_name,
                    "role": f" ({signature.signer_role})" if signature.signer_role else "",
                    "date": formats.date_format(signed_on, "DATE_FORMAT"),
                },
            )
            others = version.signatures.exclude(pk=signature.pk)
            if others.exists():
                finish(project, version, actor)
        except BaseException:
            stored.storage.delete(stored.name)
            raise
    return signature


def check_signed_copy(signed_copy, name):
    """(size, sha256) of a signed copy that is a PDF by its content and within the limit."""
    limit = settings.AGREEMENT_MAX_UPLOAD_MB * MB
    too_large = AgreementError(
        problems={
            "signed_copy": [
                _("“%(name)s” is larger than %(limit)s MB: send a lighter scan.")
                % {"name": name, "limit": settings.AGREEMENT_MAX_UPLOAD_MB}
            ]
        }
    )
    if not signed_copy:
        raise AgreementError(problems={"signed_copy": [_("Choose the signed copy to send.")]})
    if signed_copy.size is not None and signed_copy.size > limit:
        raise too_large
    try:
        size, sha256 = read_checked(signed_copy, name, limit)
    except AttachmentRefused:
        raise too_large from None
    if size == 0 or detect_type(signed_copy) != "pdf":
        raise AgreementError(
            problems={
                "signed_copy": [
                    _(
                        "“%(name)s” is not a PDF, whatever its name says: send the signed "
                        "copy as PDF."
                    )
                    % {"name": name}
                ]
            }
        )
    return size, sha256


def check_signature(project, version, party, signed_on):
    if version.project_id != project.pk:
        raise AgreementError(_("This version is not one of this project's."))
    latest = latest_version(project)
    if latest.pk != version.pk:
        raise AgreementError(
            _("Only the latest version (%(number)s) can be signed.") % {"number": latest.number}
        )
    if version.signatures.filter(party=party).exists():
        raise AgreementError(
            problems={
                "party": [
                    _("%(party)s already signed version %(number)s.")
                    % {"party": Party(party).label, "number": version.number}
                ]
            }
        )
    today = timezone.localdate(timezone=PARIS)
    if signed_on > today:
        raise AgreementError(problems={"signed_on": [_("This date is in the future.")]})
    made_on = timezone.localtime(version.created_at, PARIS).date()
    if signed_on < made_on:
        raise AgreementError(
            problems={
                "signed_on": [
                    _("Version %(number)s was made on %(date)s: it cannot be signed before.")
                    % {
                        "number": version.number,
                        "date": formats.date_format(made_on, "DATE_FORMAT"),
                    }
                ]
            }
        )


def finish(project, version, actor):
    """Both parties signed `version`: it is signed; a project in preparation moves on."""
    signed_on = max(version.signatures.values_list("signed_on", flat=True))
    version.signed_at = timezone.now()
    version.save(update_fields=["signed_at"])
    if project.state == ProjectState.AGREEMENT_PREPARATION:
        figures = version.figures
        reason = ""
        if figures.get("from_signature") or not figures.get("start_date"):
            start = signed_on
        else:
            planned = dt.date.fromisoformat(figures["start_date"])
            start = max(planned, signed_on)
            if start != planned:
                # Said in the history: the start planned in the agreement had passed.
                reason = _(
                    "The planned start, %(planned)s, came before the last signature: the "
                    "project starts on %(start)s."
                ) % {
                    "planned": formats.date_format(planned, "DATE_FORMAT"),
                    "start": formats.date_format(start, "DATE_FORMAT"),
                }
        services.sign_agreement(
            project,
            actor,
            signed_on=signed_on,
            start_date=start,
            duration_months=figures.get("duration_months") or project.duration_months,
            reason=reason,
        )
    messages.agreement_signed(version)
