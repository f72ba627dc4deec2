"""A person's own data, from their account: the page that offers the export and the erasure, the
export's download and the erasure itself.

Both actions ask a recent sign-in (accounts.reauthentication): they hand over or remove
everything about the person, so a session left open on a shared computer is not enough.
"""

import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.adapter import in_language
from accounts.reauthentication import recent_authentication_required
from common.files import private_file

from .erasure import ErasureRefused, erase_account
from .export import filename, write_export
from .rules import erasure_blockers


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account and my personal data will be deleted, and that this "
            "cannot be undone."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


@login_required
@require_GET
def my_data(request):
    return render(request, "privacy/my_data.html", {"blockers": erasure_blockers(request.user)})


@login_required
@recent_authentication_required(allow_get=False)
@require_GET
def export(request):
    # Left open on purpose: the response streams it, then closes it (and the disk space goes).
    handle = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    try:
        write_export(request.user, handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return private_file(handle, filename(request.user), "application/zip")


@login_required
@recent_authentication_required
def delete_account(request):
    user = request.user
    form = ErasureForm(request.POST if request.method == "POST" else None)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            erase_account(user)
        except ErasureRefused as refusal:
            blockers, refused = refusal.blockers, True
        else:
            logout(request)
            with translation.override(user.language):
                messages.success(
                    request,
                    _(
                        "Your account has been deleted and your personal data removed. "
                        "Thank you for your work with the network."
                    ),
                )
            return redirect(in_language("/", user.language))
    if not refused:
        blockers = erasure_blockers(user)
    context = {"form": form, "blockers": blockers, "refused": refused}
    return render(request, "privacy/delete_account.html", context)
