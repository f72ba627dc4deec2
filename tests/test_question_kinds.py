"""Each kind of question carries its behaviour (calls.blocks): the field that asks it, how a typed
answer is kept, what is wrong with it at submission, and how it reads. An answer reads the same
wherever it is shown: the receipt, the reviewer's dossier, the dossier book, the staff's page and
the applicant's own page, in French and in English."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from applications.models import Submission
from applications.receipts import render_receipt
from applications.snapshot import build_snapshot, fingerprint
from calls.blocks import question_kind
from reports.governance import build_document
from reviews.models import AssignmentState, ConflictDeclaration

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    ReviewerFactory,
    in_review_application,
)

pytestmark = pytest.mark.django_db


def question(kind, block_id, label, **value):
    value = {"label": label, "label_en": f"{label} (en)", "help_text": "", "required": True} | value
    return {"type": kind, "id": block_id, "value": value}


def items(values):
    return [{"type": "item", "value": value, "id": value} for value in values]


QUESTIONS = [
    {"type": "section", "id": "plan", "value": {"title": "Calendrier", "title_en": "Schedule"}},
    question("text", "acronym", "Acronyme", max_length=10),
    question("long_text", "abstract", "Résumé", max_words=5),
    question("choice", "field", "Domaine", multiple=False, choices=items(["SHS", "Arts"])),
    question("choice", "tags", "Mots-clés", multiple=True, choices=items(["corpus", "IA"])),
    question("number", "pages", "Nombre de pages", min_value="1", max_value="100000"),
    question("date", "start", "Début"),
    question("file", "letter", "Lettre", accepted_types=["pdf"], max_size_mb=5, required=False),
]
ANSWERS = {
    "acronym": "NUMCOL",
    "abstract": "Trois fonds rares",
    "field": "SHS",
    "tags": ["corpus", "IA"],
    "pages": 12500.5,
    "start": "2026-05-01",
}
# How the answers read, in each language.
READS = {
    "fr": ["1 mai 2026", "12 500,5", "corpus, IA"],
    "en": ["May 1, 2026", "12,500.5", "corpus, IA"],
}
NO_ROWS = {
    f"{prefix}-{key}": "0"
    for prefix in ("team", "budget")
    for key in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def plain(text):
    """Text with its spaces made plain (French writes 12 500 with a no-break space) and folded."""
    return " ".join(re.sub(r"[\u00a0\u202f\u2009]", " ", text).split())


def page_text(response):
    assert response.status_code == 200
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return plain(re.sub(r"<[^>]+>", " ", html))


def pdf_text(pdf):
    return plain(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def submitted(applicant):
    """An application received with every kind of answer, its frozen snapshot, and a reviewer
    who accepted it."""
    call = CallFactory(closed=True, questions=QUESTIONS)
    application = in_review_application(call, lead=applicant)
    application.answers = ANSWERS
    application.save(update_fields=["answers"])
    content = build_snapshot(application, timezone.now())
    Submission.objects.create(
        application=application,
        number=1,
        received_at=timezone.now(),
        content=content,
        fingerprint=fingerprint(content),
    )
    assignment = AssignmentFactory(
        application=application, reviewer=ReviewerFactory(), state=AssignmentState.ACCEPTED
    )
    ConflictDeclaration.objects.create(assignment=assignment, has_conflict=False)
    return application, assignment


def get(client, user, language, name, *args):
    client.force_login(user)
    with translation.override(language):
        return page_text(client.get(reverse(name, args=args)))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_answer_reads_the_same_everywhere_it_is_shown(
    client, submitted, programme_manager, language
):
    application, assignment = submitted
    submission = application.submissions.get()
    shown = {
        "receipt": pdf_text(render_receipt(submission, language)),
        "dossier book": pdf_text(
            build_document("dossiers", call=application.call, language=language).pdf
        ),
        "reviewer's dossier": get(
            client, assignment.reviewer, language, "reviews:assignment", assignment.pk
        ),
        "staff's page": get(client, programme_manager, language, "reviews:screen", application.pk),
        "applicant's page": get(
            client, application.lead, language, "applications:edit", application.pk
        ),
    }
    label = "Début" if language == "fr" else "Début (en)"
    for where, text in shown.items():
        assert label in text, where
        for reading in READS[language]:
            assert reading in text, f"{reading!r} not on the {where}"
        assert "2026-05-01" not in text, where
        assert "12500.5" not in text, where


def test_a_frozen_question_reads_through_its_kind():
    """The snapshot's copy of a question reaches the same behaviour as the live block."""
    date = question_kind("date")
    frozen = date.to_python(QUESTIONS[6]["value"])
    with translation.override("fr"):
        assert date.answer_text(frozen, "2026-05-01") == "1 mai 2026"
        assert date.answer_text(frozen, "le premier mai") == "le premier mai"  # kept as typed
    with translation.override("en"):
        assert date.answer_text(frozen, "2026-05-01") == "May 1, 2026"
        assert date.label_text(frozen) == "Début (en)"
    number = question_kind("number")
    assert number.answer_problems(number.to_python(QUESTIONS[5]["value"]), "0") != []
    assert question_kind("a kind since removed").answer_text({}, ["a", 1]) == "a, 1"


# Each kind through the real draft form and submission ---------------------------------------


@pytest.fixture
def draft(client, applicant):
    application = ApplicationFactory(
        call=CallFactory(questions=QUESTIONS), lead=applicant, complete=True
    )
    client.force_login(applicant)
    return application


def edit_url(application):
    with translation.override("en"):
        return reverse("applications:edit", args=[application.pk])


def submit_url(application):
    with translation.override("en"):
        return reverse("applications:submit", args=[application.pk])


def tags(page, name):
    """The <input> or <textarea> tags of the field `name`."""
    return re.findall(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)


def test_each_kind_is_asked_with_its_own_field(client, draft):
    page = client.get(edit_url(draft)).content.decode()

    [acronym] = tags(page, "acronym")
    assert 'type="text"' in acronym and 'maxlength="10"' in acronym
    [abstract] = tags(page, "abstract")
    assert abstract.startswith("<textarea") and 'data-max-words="5"' in abstract
    assert 'data-word-counter="id_abstract_words"' in abstract
    assert 'id="id_abstract_words"' in page and "0 / 5 words" in page
    assert (
        all('type="radio"' in tag for tag in tags(page, "field")) and len(tags(page, "field")) == 2
    )
    assert (
        all('type="checkbox"' in tag for tag in tags(page, "tags")) and len(tags(page, "tags")) == 2
    )
    [pages] = tags(page, "pages")
    # Text, read by the server: a browser would parse a number input in its own language.
    assert 'type="text"' in pages and 'inputmode="decimal"' in pages
    [start] = tags(page, "start")
    assert 'type="date"' in start
    assert 'accept=".pdf"' in page  # the file question is answered by its own upload form
    assert "Schedule" in page


def test_typed_answers_are_kept_parsed(client, draft):
    data = {
        "version": draft.version,
        "title": "Projet",
        "pages": "12\u00a0500,5",
        "start": "01/05/2026",
        "tags": ["corpus", "IA"],
    }
    response = client.post(edit_url(draft), data | NO_ROWS)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["pages"] == 12500.5
    assert draft.answers["start"] == "2026-05-01"
    assert draft.answers["tags"] == ["corpus", "IA"]


@pytest.mark.parametrize(
    ("name", "typed", "problem"),
    [
        ("pages", "douze", "Enter a number."),
        ("pages", "0", "At least 1."),
        ("start", "2026-02-30", "Enter a valid date."),
        ("start", "2026-13-01", "Enter a valid date."),
        ("abstract", "un deux trois quatre cinq six", "At most 5 words (this answer has 6)."),
        ("acronym", "NUMCOL-2026", "At most 10 characters (this answer has 11)."),
        ("field", "Physique", "Choose among the proposed answers."),
        ("acronym", "", "This answer is required."),
    ],
)
def test_each_kind_checks_its_answer_at_submission(client, draft, name, typed, problem):
    answers = ANSWERS | {"pages": "12500,5", name: typed}
    data = {"version": draft.version, "title": "Projet"} | answers | NO_ROWS
    client.post(edit_url(draft), data)
    if name == "field":  # a choice the form does not offer is never saved by it: as an old draft
        draft.refresh_from_db()
        draft.answers = draft.answers | {"field": typed}
        draft.save(update_fields=["answers"])

    response = client.post(submit_url(draft))

    assert response.status_code == 400
    text = plain(response.content.decode())
    assert f'<a href="#id_{name}' in text
    assert problem in text
    assert not draft.submissions.exists()


def test_a_required_file_question_asks_for_its_file(client, draft):
    questions = [dict(entry) for entry in QUESTIONS]
    questions[-1] = question("file", "letter", "Lettre", accepted_types=["pdf"], max_size_mb=5)
    draft.call.questions = questions
    draft.call.save()
    data = {"version": draft.version, "title": "Projet"} | ANSWERS | NO_ROWS
    client.post(edit_url(draft), data | {"pages": "12500,5"})

    text = plain(client.post(submit_url(draft)).content.decode())

    assert "Attach the requested file." in text


# No module switches on the names of the kinds -------------------------------------------------

ROOT = Path(settings.BASE_DIR)
KIND_NAMES = "section|text|long_text|choice|number|date|file"
SWITCH = re.compile(
    rf"""block_type|(?:==|!=|\bin\b)\s*\(?\s*["'](?:{KIND_NAMES})["']"""
    rf"""|["'](?:{KIND_NAMES})["']\s*(?:==|!=)"""
    rf"""|\(\s*["'](?:{KIND_NAMES})["']\s*,\s*["'](?:{KIND_NAMES})["']"""  # a set of kinds
)
PLACES = ["applications", "reviews", "reports", "templates/applications", "templates/reviews",
          "templates/reports"]  # fmt: skip


def test_no_module_but_the_blocks_switches_on_question_kinds():
    """Adding a kind of question touches calls/blocks.py only."""
    switches = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for place in PLACES
        for path in sorted((ROOT / place).rglob("*"))
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if SWITCH.search(line)
    ]
    assert switches == []
