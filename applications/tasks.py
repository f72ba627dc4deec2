"""The submission receipt: an e-mail to the lead, in their language, with the PDF attached."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Submission
from .receipts import network_name, receipt_filename, render_receipt

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=8,
)
def send_submission_receipt(self, submission_id) -> int:
    submission = (
        Submission.objects.select_related("application__lead", "application__call")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        logger.warning("No submission %s: no receipt sent", submission_id)
        return 0
    application = submission.application
    lead = application.lead
    language = lead.language if lead.language in dict(settings.LANGUAGES) else "fr"
    pdf = render_receipt(submission, language)
    with translation.override(language):
        context = {
            "network_name": network_name(),
            "lead_name": lead.get_full_name(),
            "reference": submission.content.get("reference") or application.reference,
            "title": submission.content.get("title", ""),
            "number": submission.number,
            "fingerprint": submission.fingerprint,
            "application_url": settings.SITE_URL
            + reverse("applications:edit", args=[application.pk]),
        }
        subject = _("[%(network)s] Application %(reference)s received") % {
            "network": context["network_name"],
            "reference": context["reference"],
        }
        text = render_to_string("applications/email/submission_receipt.txt", context)
        html = render_to_string("applications/email/submission_receipt.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[lead.email])
    message.attach_alternative(html, "text/html")
    message.attach(receipt_filename(submission), pdf, "application/pdf")
    sent = message.send()
    logger.info("Sent the receipt of submission %s to its lead", submission_id)
    return sent
