"""Rendering a message: staff's version from the database when there is one, else the files in
templates/notifications/<kind>/ (subject.txt, body.txt, body.html).

Both receive the same context of plain values (common.sandbox.plain). Staff's versions are
rendered by the sandbox, which checks every name they use against the kind's sample context; the
files, written by developers, by Django's engine. Called under translation.override(the
recipient's language); plain text is rendered without HTML escaping, the HTML part with it.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe

from common import sandbox

from .models import MessageTemplate

logger = logging.getLogger(__name__)

LAYOUT = "notifications/layout.html"
SUBJECT_LENGTH = 255


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class Templates:
    """The staff-edited templates of one kind, fetched once for every recipient of an event."""

    def __init__(self, kind):
        self.kind = kind
        self.by_language = {
            template.language: template for template in MessageTemplate.objects.filter(event=kind)
        }

    def render(self, language, context, offered) -> Rendered:
        """`context` (plain values) rendered with staff's template in `language`, checked
        against `offered` (the kind's sample), or with the files."""
        edited = self.by_language.get(language)
        if edited is not None:
            try:
                return render_edited(edited, context, offered)
            except Exception:  # a broken edit must not lose the message: the files take over
                logger.exception("Template %s could not be rendered; using the default", edited)
        return render_files(self.kind, context)


def render_files(kind, context) -> Rendered:
    folder = f"notifications/{kind}"
    return finish(
        render_file(f"{folder}/subject.txt", context, autoescape=False),
        render_file(f"{folder}/body.txt", context, autoescape=False),
        render_file(f"{folder}/body.html", context, autoescape=True),
        context,
    )


def render_edited(template, context, offered) -> Rendered:
    """A staff template, in the sandbox: raises common.sandbox.TemplateRefused when it uses
    anything that `offered` does not hold."""
    text = sandbox.render(template.text, context, offered=offered)
    if template.html.strip():
        body = sandbox.render(template.html, context, offered=offered, autoescape=True)
    else:
        body = linebreaks(urlize(escape(tidy(text))))
    html = render_file(LAYOUT, {**context, "body": mark_safe(body)}, autoescape=True)
    subject = sandbox.render(template.subject, context, offered=offered)
    return finish(subject, text, html, context)


def render_file(name, context, *, autoescape):
    return get_template(name).template.render(Context(dict(context), autoescape=autoescape))


def finish(subject, text, html, context) -> Rendered:
    subject = one_line(f"[{context['site_name']}] {subject}")
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    return Rendered(subject=subject, text=tidy(text), html=html.strip())


def one_line(text):
    """Line breaks and runs of spaces become one space; non-breaking spaces (French: « », :)
    stay."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def tidy(text):
    """Trailing spaces and the blank lines that template tags leave behind go."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def common_context(recipient_name, url, *, has_account):
    """What every template receives besides the caller's context; call it in the recipient's
    language (the link to the preferences page depends on it)."""
    return {
        "recipient_name": recipient_name,
        "url": url,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": settings.SITE_URL,
        # People with an account choose what they receive by e-mail.
        "preferences_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}"
        if has_account
        else "",
    }
