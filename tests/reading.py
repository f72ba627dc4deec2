"""How the tests read what a person reads: a page's text, a PDF's text, a command's output.

The language a test reads in is a fixture of conftest.py (`in_english`), since it must be undone
after the test.
"""

import html
import io
import re

from django.core.management import CommandError, call_command
from pypdf import PdfReader

# The spaces French typography puts before ":" and inside numbers and amounts.
FRENCH_SPACES = r"[\u00a0\u202f\u2009]"


def text_of(response):
    """The page's HTML with its entities decoded, for assertions on what a user reads."""
    return html.unescape(response.content.decode())


def flat(text):
    """Spaces of every kind (French ones too: str.split knows them) as one plain space, for
    assertions on formatted text."""
    return " ".join(text.split())


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, as pypdf extracts it."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    """The whole document's text, a line break between pages."""
    return "\n".join(pdf_pages(pdf))


def plain_pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text with French spaces made plain and the words hyphenated in narrow table
    cells joined again."""
    pages = [re.sub(FRENCH_SPACES, " ", text) for text in pdf_pages(pdf)]
    return [re.sub(r"[-\u2010]\n", "", text) for text in pages]


def visible_text(response):
    """The page's visible words (no tags, scripts or styles), whitespace collapsed."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def verify_integrity():
    """verify_integrity's output and exit status, as an operator runs it (1: a problem found)."""
    out = io.StringIO()
    try:
        call_command("verify_integrity", stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0
