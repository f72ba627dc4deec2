"""Attachments and receipts: uploaded, removed and downloaded only through a permission check.

Someone who may not read an application gets 404, never 403, so nobody learns that it exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.files import private_content, stored_file

from .attachments import add_attachment, delete_attachment
from .forms import REFUSED_FILE
from .models import Submission
from .receipts import receipt_filename, render_receipt
from .rules import application_or_404
from .services import ApplicationError, StaleDraft
from .throttle import throttled


def wants_json(request):
    return bool(request.headers.get("X-Requested-With"))


def posted_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def beside_its_field(request, application, question_id):
    return question_id in application.call.file_questions() and request.user.has_perm(
        "applications.edit_draft", application
    )


def answer(request, application, question_id, *, error=None, success=None, data=None):
    """Back to the question on the form with a message, or JSON for the form's script."""
    if wants_json(request):
        if error:
            status = 409 if (data or {}).get("stale") else 400
            return JsonResponse({"ok": False, "error": error, **(data or {})}, status=status)
        return JsonResponse({"ok": True, "message": success, **(data or {})})
    if error and beside_its_field(request, application, question_id):
        # Beside the file field, which the page focuses, not at the top out of sight (a page
        # that can no longer be changed, or a question that takes no file, has no file field:
        # the refusal goes at its top).
        request.session[REFUSED_FILE] = {question_id: [error]}
    elif error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    url = reverse("applications:edit", args=[application.pk])
    return redirect(f"{url}#question-{question_id}" if question_id else url)


def attachment_data(attachment, version):
    application_id = attachment.application_id
    return {
        "version": version,
        "attachment": {
            "id": attachment.pk,
            "question_id": attachment.question_id,
            "name": attachment.original_name,
            "size": attachment.size,
            "size_display": filesizeformat(attachment.size),
            "sha256": attachment.sha256,
            "url": reverse("applications:attachment", args=[application_id, attachment.pk]),
            "delete_url": reverse(
                "applications:delete_attachment", args=[application_id, attachment.pk]
            ),
        },
    }


def refusal(request, application, question_id, error):
    """A refused change; a stale draft also tells the script the version it was refused for."""
    data = {"stale": True} if isinstance(error, StaleDraft) else None
    return answer(request, application, question_id, error=str(error), data=data)


@login_required
@require_POST
@throttled("upload")
def upload(request, pk, question_id):
    application = application_or_404(request.user, pk)
    version = posted_version(request)
    if version is None:
        return answer(
            request,
            application,
            question_id,
            error=_("The form was incomplete. Reload the page and send the file again."),
        )
    try:
        attachment = add_attachment(
            application, question_id, request.FILES.get("file"), request.user, version
        )
    except ApplicationError as error:
        return refusal(request, application, question_id, error)
    return answer(
        request,
        application,
        question_id,
        success=_("“%(name)s” is attached (%(size)s).")
        % {"name": attachment.original_name, "size": filesizeformat(attachment.size)},
        data=attachment_data(attachment, application.version),
    )


@login_required
@require_POST
def delete(request, pk, attachment_id):
    application = application_or_404(request.user, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    version = posted_version(request)
    if version is None:
        return answer(
            request,
            application,
            attachment.question_id,
            error=_("The form was incomplete. Reload the page and try again."),
        )
    try:
        delete_attachment(application, attachment.pk, request.user, version)
    except ApplicationError as error:
        return refusal(request, application, attachment.question_id, error)
    return answer(
        request,
        application,
        attachment.question_id,
        success=_("“%(name)s” was removed.") % {"name": attachment.original_name},
        data={"version": application.version},
    )


@login_required
@require_GET
def download(request, pk, attachment_id):
    application = application_or_404(request.user, pk, "applications.download_attachment")
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    return stored_file(attachment.file, attachment.original_name, attachment.content_type)


@login_required
@require_GET
def receipt(request, pk, number):
    application = application_or_404(request.user, pk)
    submission = get_object_or_404(Submission, application=application, number=number)
    submission.application = application
    pdf = render_receipt(submission, get_language())
    return private_content(pdf, receipt_filename(submission), "application/pdf")
