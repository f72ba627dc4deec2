"""Templates ask properties (`decision.is_funded`), never compare a state with its string.

Issue 14, lesson 14 of STYLE.md: a set of states lives on its enum and a template reads a
property of the model. `{% if application.state == "submitted" %}` breaks silently (it is just
false) the day the value is renamed or a state joins the set; a property fails loudly in Python.
"""

import re
from pathlib import Path

from django.conf import settings
from django.db import models

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# A comparison with a quoted word, inside a template tag: `== "funded"`, `!= 'draft'`, `in "a b"`.
COMPARISON = re.compile(r"""(?:==|!=|\bin)\s*(["'])([\w ]+)\1""")
TAG = re.compile(r"\{%.*?%\}")

# Allauth's elements speak allauth's words (`attrs.provider_id == "orcid"`), not our enums'.
ALLAUTH = "allauth/"


def project_choices(choices_class=models.TextChoices):
    """Every TextChoices of this project (not of Django, Wagtail or allauth), however deep."""
    root = str(settings.BASE_DIR)
    found = []
    for subclass in choices_class.__subclasses__():
        module = __import__(subclass.__module__, fromlist=["_"])
        if getattr(module, "__file__", "").startswith(root) and ".venv" not in module.__file__:
            found.append(subclass)
        found.extend(project_choices(subclass))
    return found


# Vocabularies of things, not states: the languages a collection is written in share their ISO
# codes with the page's language, which templates rightly compare (LANGUAGE_CODE == "en").
NOT_STATES = {"Language"}


def vocabulary():
    """{value: the enums that have it} for every state, outcome, kind... of the project."""
    words = {}
    for choices in project_choices():
        if choices.__name__ in NOT_STATES:
            continue
        for value in choices.values:
            if isinstance(value, str):
                words.setdefault(value, []).append(choices.__name__)
    return words


def compares_with(tag, words):
    """Whether a template tag compares something with a quoted value of an enum."""
    quoted = [match.group(2) for match in COMPARISON.finditer(tag)]
    return any(word in words for text in quoted for word in text.split())


def literal_comparisons(words):
    """(template, line number, tag) for each tag that compares with a value of an enum."""
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if path.suffix not in {".html", ".txt"} or name.startswith(ALLAUTH):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            found.extend(
                (name, number, tag) for tag in TAG.findall(line) if compares_with(tag, words)
            )
    return found


def test_the_vocabulary_is_found():
    words = vocabulary()
    assert {"submitted", "funded", "pending", "open"} <= set(words)


def test_no_template_compares_a_state_with_its_string():
    assert literal_comparisons(vocabulary()) == []


def test_the_scan_finds_what_it_forbids():
    words = vocabulary()
    assert compares_with('{% if application.state == "submitted" %}', words)
    assert compares_with("{% elif decision.outcome != 'funded' %}", words)
    assert compares_with('{% if assignment.state in "pending accepted" %}', words)
    assert not compares_with("{% if decision.is_funded %}", words)
