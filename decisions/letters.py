"""Decision letters: written in the applicant's language from the staff's letter template (or the
default text in templates/decisions/letters/), kept as written, sent as PDF and e-mail.

A letter's template receives plain values only (common.sandbox), and a template edited in the
admin is rendered by the sandbox, checked against the sample context: it cannot reach a model,
call a method or read the database. The letter as written (comments, motivation, conditions) is
passed through reviews.confidentiality, so that no reviewer's name or e-mail reaches the
applicant.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.template import Context
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.roles import records_decisions
from applications import audit
from applications.facts import application_and_call, application_facts
from applications.receipts import network_name
from calls.facts import call_facts
from common import sandbox
from common.errors import Refused
from common.formats import PARIS, euros_with_cents
from common.permissions import require
from labels.models import LabelPeriod, PeriodKind
from labels.services import announce_label
from notifications.events import Event
from notifications.rendering import one_line, tidy
from notifications.services import notify
from reviews.confidentiality import comments_for_applicant, redact_reviewers

from .models import Body, Decision, Letter, LetterTemplate, Outcome

logger = logging.getLogger(__name__)

DEFAULT_FILE = "decisions/letters/{outcome}.{language}.txt"
# A kind of call may have default letters of its own (a CollEx label call's rejection speaks of
# a label, not of funding): this file first, else DEFAULT_FILE.
KIND_FILE = "decisions/letters/{kind}/{outcome}.{language}.txt"
PDF_TEMPLATE = "decisions/letters/letter_pdf.html"
SUBJECT_LENGTH = 255

# What a letter template receives (shown to staff who edit them, filled with samples in the
# preview): plain values, `application` and `call` as the dicts of their facts.
VARIABLES = (
    "reference",
    "title",
    "call_title",
    "outcome",
    "outcome_label",
    "amount",
    "conditions",
    "reserve_rank",
    "motivation",
    "meeting_date",
    "deciding_body",
    "lead_name",
    "network_name",
    "comments",
    "date",
    "label",
    "application",
    "call",
)


class LetterError(Refused):
    """A letter cannot be written or sent; the message is for the user."""


@dataclass(frozen=True)
class LetterText:
    """A rendered letter. Unpacks as (subject, body); `template` is the staff template used, and
    `failed_template` / `error` say which one was broken, when the default text took over."""

    subject: str
    body: str
    language: str
    template: LetterTemplate | None = None
    failed_template: LetterTemplate | None = None
    error: str = ""

    def __iter__(self):
        return iter((self.subject, self.body))


# The applicant's language, amounts and dates


def applicant_language(application) -> str:
    """The lead's language when the site offers it, else French."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = getattr(application.lead, "language", "")
    return language if language in codes else settings.LANGUAGE_CODE


def money(amount) -> str:
    """An amount in euros in the active language: 12 500,00 € in French, €12,500.00 in English."""
    return "" if amount is None else euros_with_cents(amount)


def long_date(value) -> str:
    """20 novembre 2026, 20 November 2026: a letter's date, whatever the short formats."""
    return formats.date_format(value, "j F Y") if value else ""


def deciding_body(body) -> str:
    """The body as a sentence names it, with its article: "the members' council"."""
    if body == Body.OPERATIONAL_COMMITTEE:
        return pgettext("deciding body in a sentence", "the operational committee")
    return pgettext("deciding body in a sentence", "the members' council")


# What a letter template receives


def letter_context(decision) -> dict:
    """The variables of `decision`'s letter, in the active language (plain values)."""
    application = decision.application
    lead = application.lead
    return sandbox.plain(
        {
            "reference": application.reference,
            "title": application.title,
            "call_title": application.call.title,
            "outcome": decision.outcome,
            "outcome_label": decision.get_outcome_display(),
            "amount": money(decision.amount_granted),
            "conditions": decision.conditions,
            "reserve_rank": decision.reserve_rank,
            "motivation": decision.motivation,
            "meeting_date": long_date(decision.meeting_date),
            "deciding_body": deciding_body(decision.body),
            "lead_name": lead.get_full_name() or lead.email,
            "network_name": network_name(),
            "comments": comments_for_applicant(application),
            "date": long_date(timezone.localdate(timezone=PARIS)),
            "label": label_facts(application) if decision.is_labelled else NO_LABEL,
            **application_and_call(application),
        }
    )


# What a letter says of a label: empty unless the decision labelled the collection.
NO_LABEL = {
    "starts_on": "",
    "expires_on": "",
    "collection_name": "",
    "collection_url": "",
    "is_renewal": False,
}


def label_facts(application) -> dict:
    """The label that this application's decision granted (its LabelPeriod, found by the
    application's reference): its first and last days, the collection's name and the absolute
    address of its public page, in the active language; whether it renews an earlier label
    (a renewal's letter says so)."""
    period = (
        LabelPeriod.objects.filter(reference=application.reference)
        .select_related("collection")
        .first()
    )
    if period is None:
        return NO_LABEL
    return {
        "starts_on": long_date(period.starts_on),
        "expires_on": long_date(period.expires_on),
        "collection_name": period.collection.name,
        "collection_url": f"{settings.SITE_URL}{period.collection.get_absolute_url()}",
        "is_renewal": period.kind == PeriodKind.RENEWAL,
    }


def sample_context(outcome) -> dict:
    """The same variables with sample data: for the admin's preview, and the names a template
    edited in the admin may use."""
    now = timezone.now()
    labelled = outcome == Outcome.LABELLED
    call = SimpleNamespace(
        title=_("CollEx label 2026")
        if labelled
        else _("Call for projects 2026 – Enriched digitisation"),
        kind="label" if labelled else "projects",
        opens_at=now,
        closes_at=now,
        reply_opens_at=None,
        reply_closes_at=None,
        reply_max_chars=3000,
        contact_email="appels@example.org",
        get_absolute_url=lambda: "/",
    )
    application = SimpleNamespace(
        reference="007-00042",
        title="Photographies d'Afrique",
        state="decided",
        submitted_at=now,
        call=call,
    )
    return sandbox.plain(
        {
            "reference": application.reference,
            "title": application.title,
            "call_title": call.title,
            "outcome": outcome,
            "outcome_label": Outcome(outcome).label if outcome in Outcome.values else "",
            "amount": money(12500) if outcome == Outcome.FUNDED else "",
            "conditions": _("A progress report after six months.")
            if outcome == Outcome.FUNDED
            else "",
            "reserve_rank": 2 if outcome == Outcome.RESERVE else None,
            "motivation": _("A well-built project with a realistic schedule."),
            "meeting_date": long_date(timezone.localdate(timezone=PARIS)),
            "deciding_body": deciding_body(Body.MEMBERS_COUNCIL),
            "lead_name": "Alex Porteur",
            "network_name": network_name(),
            "comments": [_("The corpus is well chosen; the schedule of the second year is tight.")],
            "date": long_date(timezone.localdate(timezone=PARIS)),
            "label": {
                "starts_on": long_date(dt.date(2026, 3, 15)),
                "expires_on": long_date(dt.date(2031, 3, 14)),
                "collection_name": _("History of science collection"),
                "collection_url": f"{settings.SITE_URL}/collections/12/",
                "is_renewal": False,
            },
            "application": application_facts(application),
            "call": call_facts(call),
        }
    )


# Rendering


def render_letter(decision, language=None) -> LetterText:
    """The letter of `decision` in `language` (the applicant's by default): the staff template for
    the call's kind and the outcome, else the one for every kind, else the default text. A broken
    staff template does not lose the letter: the default text is used and the error is logged
    and returned for the preview."""
    if not decision.outcome:
        raise LetterError(_("No decision has been recorded on this application yet."))
    application = decision.application
    language = language or applicant_language(application)
    template = template_for(application.call.kind, decision.outcome, language)
    with translation.override(language):
        context = letter_context(decision)
        if template is not None:
            try:
                subject, body = render_template(template.subject, template.body, context)
                subject, body = redact_reviewers(application, subject, body)
                return LetterText(subject, body, language, template=template)
            except Exception as error:  # the default text takes over
                logger.exception(
                    "Letter template %s failed for application %s; the default text is used",
                    template.pk,
                    application.pk,
                )
                failure = f"{type(error).__name__}: {error}"
        else:
            failure = ""
        subject, body = render_default(
            decision.outcome, language, context, kind=application.call.kind
        )
        subject, body = redact_reviewers(application, subject, body)
    return LetterText(
        subject, body, language, failed_template=template if failure else None, error=failure
    )


def template_for(kind, outcome, language):
    """The staff template for this kind of call, else the one for every kind, else None."""
    candidates = LetterTemplate.objects.filter(
        kind__in=[kind, ""], outcome=outcome, language=language
    )
    return max(candidates, key=lambda template: template.kind == kind, default=None)


def render_template(subject_source, body_source, context) -> tuple[str, str]:
    """A staff template, in the sandbox, as plain text (no HTML escaping): every name it uses
    must be one of the context's (the same as the sample's, which the admin checked). Raises on
    a template error or a refused name, and when the subject or the body comes out empty."""
    subject = finish_subject(sandbox.render(subject_source, context))
    body = tidy(sandbox.render(body_source, context))
    if not subject:
        raise LetterError(_("The subject is empty."))
    if not body:
        raise LetterError(_("The letter is empty."))
    return subject, body


def render_default(outcome, language, context, kind="") -> tuple[str, str]:
    """The default text of the files: their first line is the subject, the rest the letter."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = language if language in codes else settings.LANGUAGE_CODE
    names = [DEFAULT_FILE.format(outcome=outcome, language=language)]
    if kind:
        names.insert(0, KIND_FILE.format(kind=kind, outcome=outcome, language=language))
    template = select_template(names).template
    text = template.render(Context(dict(context), autoescape=False))
    subject, _newline, body = tidy(text).partition("\n")
    return finish_subject(subject), tidy(body)


def finish_subject(subject) -> str:
    subject = one_line(subject)
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    return subject


def preview(template) -> dict:
    """What the letter template `template` (saved or not) writes with sample data, as the PDF's
    layout takes it ({"paper": ...}), or {"error": ...} with what stops it."""
    language = template.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = sample_context(template.outcome or Outcome.FUNDED)
        try:
            subject, body = render_template(template.subject, template.body, context)
        except Exception as error:  # shown to the editor instead of the letter
            return {"error": str(error) or type(error).__name__, "paper": {"language": language}}
    paper = {key: context[key] for key in PAPER_FACTS}
    letter = SimpleNamespace(subject=subject, body=body)
    return {"paper": {**paper, "letter": letter, "language": language}}


# The PDF


def letter_pdf(letter) -> bytes:
    """The letter as an A4 PDF, from its stored text (what was sent, whatever changed since)."""
    from weasyprint import HTML  # Imported here: loading Pango is slow and only needed here.

    with translation.override(letter.language):
        html = render_to_string(PDF_TEMPLATE, {"paper": pdf_context(letter)})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# What the layout shows around the letter's subject and text.
PAPER_FACTS = ("network_name", "date", "reference", "call_title", "lead_name")


def pdf_context(letter) -> dict:
    """The letter and what its layout shows around it (`paper` in the templates); call it in
    the letter's language."""
    application = letter.decision.application
    lead = application.lead
    sent_at = timezone.localtime(letter.sent_at or timezone.now(), PARIS)
    return {
        "letter": letter,
        "language": letter.language,
        "network_name": network_name(),
        "date": long_date(sent_at.date()),
        "reference": application.reference,
        "call_title": application.call.title,
        "lead_name": lead.get_full_name() or lead.email,
    }


def letter_filename(letter) -> str:
    with translation.override(letter.language):
        prefix = slugify(pgettext("file name", "decision-letter")) or "letter"
    return f"{prefix}-{letter.decision.application.reference}-{letter.pk or 'preview'}.pdf"


def letter_attachment(letter_id, *, language) -> tuple[str, bytes, str]:
    """The letter as an e-mail attachment, made when the e-mail is sent: the notifications app
    calls it by its path, "decisions.letters.letter_attachment". The letter keeps the language
    it was written in."""
    letter = Letter.objects.select_related(
        "decision__application__call", "decision__application__lead"
    ).get(pk=letter_id)
    return letter_filename(letter), letter_pdf(letter), "application/pdf"


def unsent_letter(decision, text, actor=None) -> Letter:
    """The Letter that sending would store (unsaved), for the staff's PDF preview."""
    return Letter(
        decision=decision,
        outcome=decision.outcome,
        language=text.language,
        subject=text.subject,
        body=text.body,
        sent_by=actor,
    )


# Sending

# Sent with `decision` and `actor` inside the transaction that sends a funded decision's letter:
# the lead is told, and what follows the decision (projects) can begin in the same transaction.
funding_letter_sent = Signal()


def send_letter(decision, actor, *, unless_sent=False) -> Letter | None:
    """Write the decision's letter, keep it, and send it to the lead applicant by e-mail with
    its PDF, in one transaction (the e-mail leaves once it commits). Sending again writes and
    sends a new letter; the earlier ones are kept. With `unless_sent`, nothing happens (None)
    when a letter for the current outcome was already sent."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__call", "application__lead")
            .get(pk=decision.pk)
        )
        decision.application.decision = decision
        require(
            actor,
            "decisions.send_letter",
            decision.application,
            LetterError,
            _("No decision has been recorded on this application yet.")
            if records_decisions(actor)
            else _("Only programme staff who record decisions can do this."),
        )
        if unless_sent and decision.letters.filter(outcome=decision.outcome).exists():
            return None
        application = decision.application
        text = render_letter(decision)
        letter = unsent_letter(decision, text, actor)
        letter.save()
        notify(
            Event.DECISION,
            [application.lead],
            {
                **application_and_call(application),
                "context": {
                    "outcome": decision.outcome,
                    "letter_subject": letter.subject,
                    "letter": letter.body,
                },
            },
            url=reverse("decisions:letter", args=[application.pk, letter.pk]),
            attachments=[("decisions.letters.letter_attachment", [letter.pk])],
        )
        audit.record(application, actor, "decision", "letter_sent", to_state=decision.outcome)
        if decision.is_funded:
            funding_letter_sent.send(sender=Decision, decision=decision, actor=actor)
        if decision.is_labelled:
            announce_label_of(decision)
    logger.info("Letter %s sent for application %s", letter.pk, application.pk)
    return letter


def announce_label_of(decision):
    """A labelled decision's collection is public (labels.services.announce_label) from the
    day its labelled letter was first sent, or from its publication date if that comes first,
    as Decision.objects.announced() says of a funded project; from no day without either."""
    sent = decision.letters.filter(outcome=Outcome.LABELLED).order_by("sent_at").first()
    days = [day for day in (decision.publication_date,) if day is not None]
    if sent is not None:
        days.append(sent.sent_at.astimezone(PARIS).date())
    announce_label(decision.application.reference, min(days, default=None))


def decisions_without_letter(call):
    """The call's decided applications with no letter yet for their current outcome."""
    sent = Letter.objects.filter(decision=OuterRef("pk"), outcome=OuterRef("outcome"))
    return (
        Decision.objects.filter(application__call=call)
        .exclude(outcome="")
        .filter(~Exists(sent))
        .order_by("application_id")
    )


def send_letters(call, actor) -> list[Letter]:
    """Send the letter of every decided application of `call` that has none for its current
    outcome. Each letter is sent in its own transaction: if one fails, those before it are sent
    and sending the batch again sends the rest."""
    letters = []
    for decision in decisions_without_letter(call):
        letter = send_letter(decision, actor, unless_sent=True)
        if letter is not None:
            letters.append(letter)
    return letters
