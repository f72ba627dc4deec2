"""Rendering a message: staff's version from the database when there is one, else the files in
templates/notifications/<kind>/ (subject.txt, body.txt, and greeting.txt where the kind greets
someone other than the recipient, an invitee).

The HTML part is made from the text (text_to_html), staff's and the files' alike: one source per
text, so that the two parts of a mail say the same. The greeting and the signature frame the
body, in the text (includes/greeting.txt, includes/signature.txt) and in the HTML (layout.html).

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
from django.template.loader import get_template, select_template
from django.urls import reverse
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from common import sandbox

from .models import MessageTemplate

logger = logging.getLogger(__name__)

LAYOUT = "notifications/layout.html"
GREETING = "notifications/includes/greeting.txt"
SIGNATURE = "notifications/includes/signature.txt"
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
    greeting = greeting_of(kind, context)
    body = render_file(f"{folder}/body.txt", context, autoescape=False)
    signature = render_file(SIGNATURE, context, autoescape=False)
    text = "\n\n".join(part.strip() for part in (greeting, body, signature))
    return finish(
        render_file(f"{folder}/subject.txt", context, autoescape=False),
        text,
        in_layout(greeting, text_to_html(body), context),
        context,
    )


def render_edited(template, context, offered) -> Rendered:
    """A staff template, in the sandbox: raises common.sandbox.TemplateRefused when it uses
    anything that `offered` does not hold."""
    text = sandbox.render(template.text, context, offered=offered)
    if template.html.strip():
        body = sandbox.render(template.html, context, offered=offered, autoescape=True)
    else:
        body = text_to_html(text)
    html = in_layout(greeting_of(template.event, context), body, context)
    subject = sandbox.render(template.subject, context, offered=offered)
    return finish(subject, text, html, context)


def render_file(name, context, *, autoescape):
    return get_template(name).template.render(Context(dict(context), autoescape=autoescape))


def greeting_of(kind, context):
    """The greeting, in text ("Hello …,"): the kind's own (an invitation greets the invitee by
    the name it was given) or everyone's."""
    template = select_template([f"notifications/{kind}/greeting.txt", GREETING])
    return template.template.render(Context(dict(context), autoescape=False)).strip()


def in_layout(greeting, body, context):
    """The whole HTML part: the greeting (text), the body (HTML), the signature and footer."""
    return render_file(
        LAYOUT, {**context, "greeting": greeting, "body": mark_safe(body)}, autoescape=True
    )


# A list item: "* " or "- " at the start of a line; a line only of dashes: a separator.
LIST_ITEM = re.compile(r"[*-] +(?=\S)")
RULE = re.compile(r"-{3,}")


def text_to_html(text):
    """Plain text as the body of an HTML mail: a blank line ends a paragraph, a line break stays
    one, lines that start with "* " or "- " make a list (an indented line goes on with the item
    above), a line of dashes is a rule, and web and mail addresses become links. Everything
    else is escaped."""
    html, in_list = [], False
    for kind, lines in text_blocks(text):
        if (kind == "li") != in_list:
            html.append("<ul>" if kind == "li" else "</ul>")
            in_list = kind == "li"
        shown = "<br>\n".join(urlize(line, autoescape=True) for line in lines)
        html.append({"p": f"<p>{shown}</p>", "li": f"<li>{shown}</li>", "hr": "<hr>"}[kind])
    if in_list:
        html.append("</ul>")
    return "\n".join(html)


def text_blocks(text):
    """[(kind, lines)] of `text`: kind "p" (a paragraph), "li" (a list item) or "hr"."""
    blocks, current = [], None
    for line in tidy(text).splitlines():
        stripped = line.strip()
        item = LIST_ITEM.match(line)
        if not stripped:
            current = None
        elif RULE.fullmatch(stripped):
            blocks.append(("hr", []))
            current = None
        elif item:
            current = ("li", [line[item.end() :]])
            blocks.append(current)
        elif current and (current[0] == "p" or line[0].isspace()):
            current[1].append(stripped)
        else:
            current = ("p", [stripped])
            blocks.append(current)
    return blocks


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
