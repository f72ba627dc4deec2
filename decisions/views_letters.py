"""Decision letters: the staff's preview and sending (one application, or every decided one of a
call), and the applicant's sent letters (HTML and PDF).

Staff need decisions.record_decisions; the letters of an application are read by those who may
read it (its lead, the team's leads, programme staff). Anyone else gets a 404, so that nobody
learns what exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.reauthentication import recent_authentication_required
from applications.models import Application
from applications.rules import application_or_404
from calls.models import Call
from common.files import private_content

from .letters import (
    LetterError,
    applicant_language,
    letter_filename,
    letter_pdf,
    pdf_context,
    render_letter,
    send_letter,
    send_letters,
    unsent_letter,
)
from .models import Decision, Letter

RECORD = "decisions.decide"  # who records decisions (decisions.rules)


def staff_application_or_404(user, pk):
    """The application with its call, lead and decision, for staff who record decisions."""
    if not user.has_perm(RECORD):
        raise Http404
    return get_object_or_404(Application.objects.select_related("call", "lead", "decision"), pk=pk)


def decision_of(application):
    try:
        return application.decision
    except Decision.DoesNotExist:
        return None


def paper_of(letter):
    """The letter with what surrounds it on the page and in the PDF, in its own language."""
    with translation.override(letter.language):
        return pdf_context(letter)


def pdf_response(letter, *, inline=False):
    return private_content(
        letter_pdf(letter), letter_filename(letter), "application/pdf", inline=inline
    )


# Staff


@login_required
@require_GET
def preview(request, pk):
    application = staff_application_or_404(request.user, pk)
    decision = decision_of(application)
    context = {
        "application": application,
        "call": application.call,
        "decision": decision,
        "language": applicant_language(application),
        "history": [],
    }
    if decision is not None:
        context["history"] = decision.letters.select_related("sent_by")
    if decision is not None and decision.outcome:
        text = render_letter(decision)
        context["text"] = text
        context["paper"] = paper_of(unsent_letter(decision, text))
    return render(request, "decisions/letters/preview.html", context)


@login_required
@require_GET
def preview_pdf(request, pk):
    application = staff_application_or_404(request.user, pk)
    decision = decision_of(application)
    if decision is None or not decision.outcome:
        raise Http404
    return pdf_response(unsent_letter(decision, render_letter(decision)), inline=True)


@login_required
@recent_authentication_required
@require_POST
def send(request, pk):
    application = staff_application_or_404(request.user, pk)
    decision = decision_of(application)
    back = reverse("decisions:letter_preview", args=[application.pk])
    if decision is None:
        messages.error(request, _("No decision has been recorded on this application yet."))
        return redirect(back)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that you read the letter."))
        return redirect(back)
    try:
        send_letter(decision, request.user)
    except LetterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The letter was sent to %(email)s, with its PDF.")
            % {"email": application.lead.email},
        )
    return redirect(back)


@login_required
@recent_authentication_required
@require_POST
def send_call_letters(request, slug):
    """Send the letter of every decided application of the call that has none for its current
    outcome; back to the page the button was on ("next"), else to the call's decisions."""
    if not request.user.has_perm(RECORD):
        raise Http404
    call = get_object_or_404(Call, slug=slug)
    letters = send_letters(call, request.user)
    if letters:
        messages.success(
            request,
            ngettext("%(count)s letter was sent.", "%(count)s letters were sent.", len(letters))
            % {"count": len(letters)},
        )
    else:
        messages.info(request, _("Every decided application of this call has its letter."))
    return redirect(back_url(request, reverse("decisions:call", args=[call.slug])))


def back_url(request, default):
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


# The applicant


def sent_letter_or_404(user, pk, letter_id):
    application = application_or_404(user, pk)
    letter = get_object_or_404(
        Letter.objects.select_related("decision"), pk=letter_id, decision__application=application
    )
    letter.decision.application = application
    return application, letter


@login_required
@require_GET
def letter(request, pk, letter_id):
    application, sent = sent_letter_or_404(request.user, pk, letter_id)
    return render(
        request,
        "decisions/letters/letter_detail.html",
        {"application": application, "sent": sent, "paper": paper_of(sent)},
    )


@login_required
@require_GET
def download(request, pk, letter_id):
    _application, sent = sent_letter_or_404(request.user, pk, letter_id)
    return pdf_response(sent)
