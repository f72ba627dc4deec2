"""A person's export: everything the platform holds about them, as a ZIP of JSON files in their
language, a README that says what each file holds, and the files of the applications they lead.

The ZIP is written into a file the caller gives (a temporary file on disk), attachments copied
from storage in chunks, so memory stays bounded whatever their size. Each export is logged
(PrivacyEvent EXPORT) in the transaction that builds it: a failed export logs nothing.
"""

import json
import zipfile

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Attachment
from common.formats import PARIS

from . import export_activity, export_data, holdings
from .models import EventKind, PrivacyEvent

CHUNK = 1024 * 1024


def filename(user, now=None):
    with translation.override(user.language):
        day = (now or timezone.now()).astimezone(PARIS).date().isoformat()
        return _("personal-data-%(date)s.zip") % {"date": day}


# The files, in the README's order, and what builds each.
BUILDERS = {
    "account.json": export_data.account,
    "applications.json": export_data.applications,
    "team_memberships.json": export_data.team_memberships,
    "collections.json": holdings.collections,
    "reviews.json": export_activity.reviews,
    "staff_actions.json": export_activity.staff_actions,
    "messages.json": export_activity.messages,
    "privacy_log.json": export_activity.privacy_log,
}
# Written even when empty; the others only for the roles the person had.
ALWAYS = ("account.json", "applications.json", "messages.json", "privacy_log.json")


def descriptions():
    return {
        "account.json": _(
            "Your account: names, e-mail addresses, language, ORCID iD, institution, roles, the "
            "second factors you set up (never their secrets), your notification choices and "
            "your reviewer profile."
        ),
        "applications.json": _(
            "The applications you lead: answers, team, budget, files, submissions, their "
            "history, the comments meant for you once they were shown to you, your reply, the "
            "decision and its letters."
        ),
        "team_memberships.json": _(
            "The applications whose team you joined, and your rows in their teams."
        ),
        "collections.json": _(
            "The labelled collections whose record you keep, the versions of their records you "
            "made, and the invitations to keep them that you sent."
        ),
        "reviews.json": _(
            "Your work as a reviewer: your assignments, your conflict of interest declarations, "
            "your reviews with their scores and comments, the consensus reports you wrote."
        ),
        "staff_actions.json": _(
            "What you recorded for the programme team, by application reference: decisions, "
            "proposals, letters sent, eligibility screenings."
        ),
        "messages.json": _(
            "The messages the platform wrote to you, and the e-mails that carried them. "
            "Personal links (to confirm an address or accept an invitation) are never kept."
        ),
        "privacy_log.json": _(
            "Your requests about your personal data: exports (this one included) and account "
            "deletion requests."
        ),
    }


def files(user):
    """(name, description, content) of each JSON file of `user`'s export."""
    texts = descriptions()
    sections = [(name, texts[name], build(user)) for name, build in BUILDERS.items()]
    return [(name, text, data) for name, text, data in sections if data or name in ALWAYS]


def readme(user, sections, attachments):
    lines = [
        _("Your personal data on %(site)s") % {"site": settings.WAGTAIL_SITE_NAME},
        "",
        _("Exported on %(date)s for %(email)s.")
        % {
            "date": timezone.now().astimezone(PARIS).strftime("%Y-%m-%d %H:%M"),
            "email": user.email,
        },
        _(
            "The files are JSON (UTF-8). Dates and times are in ISO 8601, in UTC; amounts are "
            "in euros."
        ),
        "",
    ]
    for name, description, _data in sections:
        lines += [name, f"    {description}", ""]
    if attachments:
        lines += [
            "files/",
            "    "
            + _(
                "The files of the applications you lead, in a folder per application reference, "
                "each under its original name after its number."
            ),
            "",
        ]
    lines.append(
        _(
            "Reviews are confidential: this export never names the people who reviewed your "
            "applications."
        )
    )
    return "\r\n".join(lines) + "\r\n"


def write_export(user, handle):
    """Write the export of `user` as a ZIP into the binary file `handle`, in their language, and
    log it."""
    with transaction.atomic(), translation.override(user.language):
        PrivacyEvent.objects.create(kind=EventKind.EXPORT, person=user, actor=user)
        sections = files(user)
        date_time = timezone.now().astimezone(PARIS).timetuple()[:6]
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, _description, data in sections:
                text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
                archive.writestr(entry(name, date_time), text.encode("utf-8"))
            attachments = own_files(user)
            for path, attachment in attachments:
                copy(archive, entry(path, date_time), attachment)
            text = readme(user, sections, attachments)
            archive.writestr(entry(_("README.txt"), date_time), text.encode("utf-8"))


def own_files(user):
    """(path in the ZIP, attachment) of every file of the applications `user` leads."""
    rows = (
        Attachment.objects.filter(application__lead=user)
        .select_related("application")
        .order_by("application_id", "pk")
    )
    return [(export_data.attachment_path(row.application, row), row) for row in rows]


def entry(name, date_time):
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o640 << 16
    return info


def copy(archive, info, attachment):
    """Copy an attachment from storage in chunks; a file storage lost is left out (the JSON
    still lists it)."""
    try:
        source = attachment.file.open("rb")
    except FileNotFoundError:
        return
    with source, archive.open(info, "w", force_zip64=attachment.size > 2**31) as target:
        while chunk := source.read(CHUNK):
            target.write(chunk)
