"""The HTML part of a message is made from its text, for the default files as for staff's
templates: both parts say the same words and carry the same links, lists stay lists, and no
HTML body is written by hand any more."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from notifications.events import TEMPLATE_KINDS
from notifications.previews import sample_context
from notifications.rendering import render_files, text_to_html

KINDS = [kind for kind, _label in TEMPLATE_KINDS]
FOLDER = Path(settings.BASE_DIR) / "templates" / "notifications"
URL = re.compile(r"https?://[^\s<>\"]+")


class Reading(HTMLParser):
    """What a person reads in an HTML mail (the text of its body) and the links they can
    follow."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_body, self.shown, self.links, self.items = False, [], [], 0

    def handle_starttag(self, tag, attrs):
        self.in_body = self.in_body or tag == "body"
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        self.items += tag == "li"

    def handle_data(self, data):
        if self.in_body:
            self.shown.append(data)


def read_html(html):
    reading = Reading()
    reading.feed(html)
    return reading


def words(text):
    """The words of `text`, addresses left out (a link's address is compared as a link)."""
    return set(re.findall(r"\w+", URL.sub(" ", text)))


def links_in_text(text):
    return {address.rstrip(".,;:)") for address in URL.findall(text)}


def web_links(links):
    return {link for link in links if link.startswith(("http://", "https://"))}


def footer_words(site_name):
    """The words the HTML footer adds to the text's signature."""
    return words(gettext("This message was sent by %(site_name)s.") % {"site_name": site_name})


def with_two_assignments(context):
    """The sample of a reviewer's message, made to hold two applications (the list form)."""
    if "assignments" not in context:
        return context
    first = context["assignment"]
    application = {**first["application"], "reference": "007-00043", "title": "Archives de la mer"}
    return {**context, "assignments": [first, {**first, "application": application}]}


def test_no_hand_written_html_body_remains():
    assert not list(FOLDER.glob("**/body.html"))
    for kind in KINDS:
        assert (FOLDER / kind / "body.txt").is_file(), kind


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("shape", [dict, with_two_assignments])
def test_the_html_part_says_what_the_text_says(kind, language, shape):
    with translation.override(language):
        context = shape(sample_context(kind))
        rendered = render_files(kind, context)
        footer = footer_words(context["site_name"])
    reading = read_html(rendered.html)
    shown = " ".join(reading.shown)

    assert words(rendered.text) <= words(shown)
    assert words(shown) - words(rendered.text) <= footer
    assert links_in_text(rendered.text) == web_links(reading.links)
    assert rendered.text.count("\n* ") == reading.items


def test_the_reviewer_list_is_a_list_in_html():
    with translation.override("en"):
        rendered = render_files(
            "reviewer_assigned", with_two_assignments(sample_context("reviewer_assigned"))
        )
    assert "You are asked to review these applications:" in rendered.text
    assert read_html(rendered.html).items == 2
    assert "<li>007-00043 “Archives de la mer”" in rendered.html


def test_a_link_of_the_text_is_a_link_that_works_in_html():
    with translation.override("en"):
        url = "https://collex.example.org/en/applications/42/?tab=files&x=1"
        context = {**sample_context("application_reopened"), "url": url}
        rendered = render_files("application_reopened", context)
    assert f"Open your application: {context['url']}" in rendered.text
    assert context["url"] in read_html(rendered.html).links


def test_text_becomes_paragraphs_lists_rules_and_escaped_links():
    text = (
        "Hello,\n\nFirst line\nsecond <b>line</b> & more\n\n"
        "* one https://example.org/a\n  goes on\n- two\n\n"
        "----------\nSee https://example.org/b."
    )
    assert text_to_html(text) == (
        "<p>Hello,</p>\n"
        "<p>First line<br>\nsecond &lt;b&gt;line&lt;/b&gt; &amp; more</p>\n"
        '<ul>\n<li>one <a href="https://example.org/a">https://example.org/a</a>'
        "<br>\ngoes on</li>\n<li>two</li>\n</ul>\n"
        "<hr>\n"
        '<p>See <a href="https://example.org/b">https://example.org/b</a>.</p>'
    )
