"""The full dossier of one application for auditors, as a ZIP: programme staff only.

Built in a temporary file on disk (attachments can be large) and streamed from it; anyone else
gets a 404, as for every page about an application.
"""

import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from accounts.reauthentication import recent_authentication_required
from applications.rules import application_or_404
from common.files import private_file

from .dossier_zip import write_dossier, zip_filename

PERMISSION = "applications.read_audit_trail"


@login_required
@recent_authentication_required(allow_get=False)
@require_GET
def dossier_zip(request, pk):
    application = application_or_404(request.user, pk, PERMISSION)
    # Left open on purpose: the response streams it, then closes it (and the disk space goes).
    handle = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    try:
        write_dossier(application, handle, get_language())
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return private_file(handle, zip_filename(application), "application/zip")
