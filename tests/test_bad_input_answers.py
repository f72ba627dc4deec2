"""Bad input in the draft form: generated answers to every kind of question, teams and budgets,
posted through the real pages as the applicant (save and submit), and answers of any JSON shape
through the services.

Whatever is posted: never a 500, a message in the page's language next to each field refused,
and nothing stored half (a refused save leaves the draft as it was, byte for byte; a refused
submission leaves a draft with no snapshot and no receipt).
"""

import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from applications.forms import DraftForms
from applications.models import ApplicationState
from applications.services import SubmissionRefused, save_draft, submit_application
from applications.validation import answer_problems, submission_problems
from notifications.models import Message

from .factories import ApplicationFactory, CallFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

# Reproducible in CI: no example database, no deadline, the same examples on every run.
GENERATED = settings(
    database=None,
    deadline=None,
    derandomize=True,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ORCID = "0000-0002-1825-0097"
CHOICES = ["SHS", "Sciences", "Arts"]
TAGS = ["corpus", "archives", "IA"]


def question(kind, block_id, label, **value):
    value = {"label": label, "label_en": f"{label} (en)", "help_text": "", "required": True} | value
    return {"type": kind, "id": block_id, "value": value}


def items(values):
    return [{"type": "item", "value": value, "id": value} for value in values]


# One question of every kind a call can ask.
QUESTIONS = [
    {"type": "section", "id": "project", "value": {"title": "Le projet", "title_en": "Project"}},
    question("text", "acronym", "Acronyme", max_length=30),
    question("long_text", "abstract", "Résumé", max_words=20),
    question("choice", "field", "Domaine", multiple=False, choices=items(CHOICES)),
    question("choice", "tags", "Mots-clés", multiple=True, required=False, choices=items(TAGS)),
    question("number", "months", "Durée en mois", min_value="1", max_value="36"),
    question(
        "number", "count", "Nombre de documents", required=False, min_value=None, max_value=None
    ),  # fmt: skip
    question("date", "start", "Début"),
    question("file", "letter", "Lettre", accepted_types=["pdf"], max_size_mb=5, required=False),
]
TEXT_FIELDS = ("acronym", "abstract")
NUMBER_FIELDS = ("months", "count")

# Text that has broken web forms before: NUL and control characters, right-to-left overrides,
# zero-width and byte-order marks, markup, template and format syntax, and huge lengths.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x1b[31mrouge\x1b[0m",
    "\u202eexe.fdp",
    "\u200b\u200d\ufeff",
    "\r\n\r\n",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request.user }}{% debug %}",
    "%(name)s %s {0}",
    "'; DROP TABLE applications_application; --",
    "e\u0301" * 40,
    "🙂" * 50,
    "ﷺ" * 300,
    "x" * 100_000,
    "mot " * 5_000,
]
texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(NASTY),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Mn"]), max_size=20),
)
NUMBERS = [
    "1e309",
    "1e5000",
    "-1e5000",
    "1e999999999",
    "1" * 400 + ".5",
    "9" * 5_000,
    "NaN",
    "-nan",
    "sNaN",
    "Infinity",
    "-inf",
    "-0",
    "0",
    "12,5",
    "12.5",
    "1 000",
    "1\u202f000,50",
    "0x10",
    "1_000",
    "١٢",
    "１２",
    "+12",
    "12-",
    "1e-400",
    "0.1",
    "12.345678901234567890123",
    "36.0000000001",
]
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.decimals().map(str),
    st.floats().map(str),
    texts,
)
DATES = [
    "2027-02-30",
    "2027-13-01",
    "31/02/2027",
    "0000-00-00",
    "01/01/0001",
    "31/12/9999",
    "99999-01-01",
    "2027-1-1",
    "2027-01-15T10:00",
    "20270115",
    "demain",
]
dates = st.one_of(
    st.dates().map(str),
    st.dates().map(lambda day: f"{day.day:02d}/{day.month:02d}/{day.year}"),
    st.sampled_from(DATES),
    texts,
)
EMAILS = [
    "alice@example.org",
    "alice@",
    "@example.org",
    "a@b@c.org",
    "alice @example.org",
    "alice@exa mple.org",
    "x" * 300 + "@example.org",
    "élodie@exemple.fr",
    "alice@localhost",
    "alice@example.org\x00",
    "alice@example.org\r\nBcc: everyone@example.org",
]
emails = st.one_of(st.sampled_from(EMAILS), st.emails().map(str), texts)
ORCIDS = [ORCID, "0000-0002-1825-0098", f"https://orcid.org/{ORCID}", "0000", "x" * 70, ""]
MONEY = [
    "-1",
    "-0.01",
    "0",
    "0.001",
    "1.005",
    "12 500,50",
    "1 500 €",
    "€",
    "1e9",
    "1e12",
    "1e309",
    "9999999999.99",
    "10000000000",
    "99999999999999999999",
    "NaN",
    "Infinity",
    "1,000.50",
    "1.000,50",
    "12,5,5",
    "abc",
]
money = st.one_of(
    st.sampled_from(MONEY),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.integers().map(str),
    texts,
)


def row(**fields):
    """A row of a formset: each field may be missing; unknown fields ride along."""
    return st.fixed_dictionaries({}, optional=fields | {"surprise": texts})


team_rows = row(
    name=texts,
    email=emails,
    orcid=st.one_of(st.sampled_from(ORCIDS), texts),
    institution=st.sampled_from(["", "abc", "999999", "-1", "1e3", "INSTITUTION"]),
    institution_name=texts,
    role=st.sampled_from(["researcher", "archivist", "other", "", "admin", "RESEARCHER"]),
    is_lead=st.sampled_from(["on", "", "false", "0"]),
    DELETE=st.sampled_from(["on", ""]),
)
budget_rows = row(
    category=st.sampled_from(["staff", "equipment", "travel", "", "bribes", "STAFF"]),
    description=texts,
    amount_requested=money,
    cofunding=money,
    DELETE=st.sampled_from(["on", ""]),
)
# The management form usually says how many rows there are, sometimes lies or is missing.
totals = st.one_of(
    st.just(None), st.just(None), st.sampled_from(["", "abc", "-1", "1e3", "51", "101", "MISSING"])
)

# What an applicant would type: the draft passes every rule with these.
plain = st.characters(exclude_categories=("Cc", "Cs"))
valid = {
    "title": st.text(plain, min_size=1, max_size=60).filter(str.strip),
    "acronym": st.text(plain, min_size=1, max_size=30).filter(str.strip),
    "abstract": st.lists(st.text(plain, min_size=1, max_size=12), min_size=1, max_size=20).map(
        " ".join
    ),
    "field": st.sampled_from(CHOICES),
    "tags": st.lists(st.sampled_from(TAGS), unique=True),
    "months": st.one_of(
        st.integers(1, 36).map(str),
        st.decimals(1, 36, places=1).map(lambda number: str(number).replace(".", ",")),
    ),
    "count": st.one_of(st.just(""), st.integers(0, 10**12).map(str)),
    "start": st.dates().map(str),
    "team": st.just(
        [
            {
                "name": "Alice Martin",
                "email": "alice@example.org",
                "role": "researcher",
                "is_lead": "on",
            }
        ]
    ),
    "budget": st.lists(
        st.fixed_dictionaries(
            {
                "category": st.sampled_from(["staff", "equipment", "travel"]),
                "description": st.text(plain, min_size=1, max_size=40).filter(str.strip),
                "amount_requested": st.decimals(1, 20_000, places=2).map(str),
            }
        ),
        min_size=1,
        max_size=3,
    ),
    "team_total": st.none(),
    "budget_total": st.none(),
}
# What an attacker, a broken browser or a paste from elsewhere would send instead.
hostile = {
    "title": texts,
    "acronym": texts,
    "abstract": texts,
    "field": st.one_of(st.sampled_from(CHOICES), texts),
    "tags": st.lists(st.one_of(st.sampled_from(TAGS), texts), max_size=4),
    "months": numbers,
    "count": numbers,
    "start": dates,
    "team": st.lists(team_rows, max_size=3),
    "budget": st.lists(budget_rows, max_size=3),
    "team_total": totals,
    "budget_total": totals,
}


@st.composite
def drafts(draw):
    """A valid draft with a few of its parts (none, one or several) replaced by hostile ones."""
    spoiled = draw(st.sets(st.sampled_from(sorted(hostile)), max_size=4))
    return {name: draw((hostile if name in spoiled else valid)[name]) for name in valid}


def posted(version, draft, institution):
    """What the page would post, with the generated values in place of the typed ones."""
    data = {"version": str(version)}
    data |= {key: draft[key] for key in ("title", *TEXT_FIELDS, "field", "tags", "start")}
    data |= {key: draft[key] for key in NUMBER_FIELDS}
    for prefix in ("team", "budget"):
        rows = draft[prefix]
        total = draft[f"{prefix}_total"]
        if total != "MISSING":
            data |= {
                f"{prefix}-TOTAL_FORMS": str(len(rows) + 1) if total is None else total,
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        for index, fields in enumerate(rows):
            for key, value in fields.items():
                if value == "INSTITUTION":
                    value = str(institution.pk)
                data[f"{prefix}-{index}-{key}"] = value
    return data


def stored(application):
    """Everything a save may change, as bytes: equal bytes, equal draft."""
    application.refresh_from_db()
    content = {
        "version": application.version,
        "state": application.state,
        "title": application.title,
        "answers": application.answers,
        "keywords": application.keywords,
        "team": list(application.team.values()),
        "budget": list(application.budget_lines.values()),
        "excluded": list(application.excluded_reviewers.values()),
        "attachments": list(application.attachments.values()),
        "submissions": list(application.submissions.values()),
        "events": list(application.events.values("action")),
    }
    return json.dumps(content, sort_keys=True, default=str).encode()


def english_errors(application, data):
    """The same post's refusals in English, to tell whether the page's were translated."""
    with translation.override("en"):
        drafts = DraftForms(application, data)
        drafts.is_valid()
        return all_errors(drafts)


def all_errors(drafts):
    errors = [str(message) for messages in drafts.form.errors.values() for message in messages]
    for formset in (drafts.team, drafts.budget):
        if not formset.is_valid():
            errors += [str(message) for message in formset.non_form_errors()]
            for form in formset.forms:
                errors += [str(m) for messages in form.errors.values() for m in messages]
    return errors


def check_refusals_are_shown_in_french(response, application, data):
    """Each refusal is in the page, next to its field, and in French (not the English text)."""
    content = response.content.decode()
    drafts = response.context["drafts"]
    french = all_errors(drafts)
    for name in drafts.form.errors:
        if name != "version":
            assert f'id="id_{name}_error"' in content or f"error_1_id_{name}" in content, name
    for message in french:
        assert escape(message) in content, message
    english = english_errors(application, data)
    assert len(english) == len(french)
    for fr, en in zip(french, english, strict=True):
        assert fr != en or not re.search("[A-Za-z]{3}", en), f"untranslated refusal: {en}"


# The submission rules' messages in English: a French page must show none of them.
ENGLISH_PROBLEMS = {
    "This answer is required.",
    "Enter a number.",
    "Enter a text.",
    "Enter a valid date.",
    "Choose only one answer.",
    "Choose among the proposed answers.",
    "Give your project a title.",
    "Add the members of the team.",
    "Say who leads the project.",
    "Enter the budget you request.",
}


@pytest.fixture
def setup(client, applicant):
    call = CallFactory(questions=QUESTIONS)
    application = ApplicationFactory(
        call=call, lead=applicant, title="Titre d'origine", complete=True
    )
    client.force_login(applicant)
    return application, InstitutionFactory(name="Bibliothèque de test")


@GENERATED
@given(draft=drafts())
def test_a_generated_draft_is_saved_whole_or_refused_whole(client, setup, draft):
    application, institution = setup
    before = stored(application)
    data = posted(application.version, draft, institution)

    response = client.post(reverse("applications:edit", args=[application.pk]), data)

    assert response.status_code in (200, 302, 400), response.status_code
    event(f"draft answered {response.status_code}")
    after = stored(application)
    if response.status_code == 400:
        # The title or an answer was refused: nothing was saved, and the page says why.
        assert after == before
        assert "Le brouillon n’a pas été enregistré" in response.content.decode()
        check_refusals_are_shown_in_french(response, application, data)
        return
    saved = application.answers
    for name in TEXT_FIELDS:
        assert saved[name] == draft[name].strip()  # kept as typed, refused only at submission
    for name in NUMBER_FIELDS:
        assert isinstance(saved[name], int | float | str)
        if isinstance(saved[name], int | float):  # a JSON number only when it is the same number
            typed = re.sub(r"[\s\u00a0\u202f]", "", draft[name]).replace(",", ".")
            assert Decimal(repr(saved[name])) == Decimal(typed)
    json.dumps(saved, allow_nan=False)  # strict JSON: PostgreSQL's jsonb would refuse the rest
    if response.status_code == 200:
        # Saved, except the team or the budget, whose rows are shown with their refusals.
        check_refusals_are_shown_in_french(response, application, data)
        drafts_shown = DraftForms(application, data)
        before_rows = json.loads(before)
        after_rows = json.loads(after)
        for part in ("team", "budget"):
            if not getattr(drafts_shown, part).is_valid():
                assert after_rows[part] == before_rows[part], part
        assert "n’a pas été enregistré" in response.content.decode()
        return
    # The saved draft reads back.
    assert client.get(reverse("applications:edit", args=[application.pk])).status_code == 200


@GENERATED
@given(draft=drafts())
def test_a_generated_submission_is_received_whole_or_not_at_all(client, setup, draft):
    application, institution = setup
    cache.clear()  # the rate limit on submissions counts every example otherwise
    receipts = Message.objects.count()
    data = posted(application.version, draft, institution)

    response = client.post(reverse("applications:submit", args=[application.pk]), data)
    if response.status_code == 302:  # saved: the summary, then the confirmation submits
        assert response.url == reverse("applications:summary", args=[application.pk])
        response = client.post(reverse("applications:submit", args=[application.pk]))

    assert response.status_code in (302, 400), response.status_code
    event(f"submission answered {response.status_code}")
    application.refresh_from_db()
    if response.status_code == 400:
        # Refused: still a draft, no snapshot, no receipt; each problem shown in French.
        assert application.state == ApplicationState.DRAFT
        assert not application.submissions.exists()
        assert Message.objects.count() == receipts
        content = response.content.decode()
        assert "n’a pas été" in content  # "La candidature n’a pas été déposée", or the draft
        for _anchor, _label, message in response.context["problems"]:
            assert escape(message) in content
            assert message not in ENGLISH_PROBLEMS, message
        return
    # Received: every answer passes the rules it is checked against, and the receipt is queued.
    assert application.state == ApplicationState.SUBMITTED
    submission = application.submissions.get()
    for block in application.call.questions:
        if block.block_type not in ("section", "file"):
            assert answer_problems(block, submission.content["answers"].get(block.id)) == []
    assert Message.objects.count() == receipts + 1
    # The next example starts again from a draft.
    application.state = ApplicationState.DRAFT
    application.save(update_fields=["state"])
    application.submissions.all().delete()


NO_ROWS = {f"{prefix}-{key}": "0" for prefix in ("team", "budget") for key in ("TOTAL_FORMS",
           "INITIAL_FORMS")}  # fmt: skip


# Numbers that broke the draft (a 500, or a worker busy for minutes writing 10**999999999): kept as
# text, refused at submission next to the question, in French.
@pytest.mark.parametrize(
    ("typed", "kept", "problem"),
    [
        ("1e5000", "1e5000", "Au plus 36."),
        ("1e999999999", "1e999999999", "Au plus 36."),
        ("1" * 400 + ",5", "1" * 400 + ".5", "Au plus 36."),
        ("1e-400", "1e-400", "Au moins 1."),
        ("12,345678901234567890123", "12.345678901234567890123", None),
        ("NaN", "NaN", "Saisissez un nombre."),
        ("-Infinity", "-Infinity", "Saisissez un nombre."),
    ],
)
def test_numbers_json_cannot_hold_are_kept_as_typed_and_judged_at_submission(
    client, setup, typed, kept, problem
):
    application, _institution = setup
    data = {"version": application.version, "title": "Projet", "months": typed} | NO_ROWS

    response = client.post(reverse("applications:edit", args=[application.pk]), data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["months"] == kept
    json.dumps(application.answers, allow_nan=False)
    problems = submission_problems(application, timezone.now())
    assert (problems["answers.months"] if problem else problems.get("answers.months")) == (
        [problem] if problem else None
    )
    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 400
    if problem:
        assert (
            f'<a href="#id_months">Durée en mois</a>\u00a0: {problem}' in response.content.decode()
        )


def test_a_date_typed_in_french_in_the_first_centuries_is_kept_as_a_date(client, setup):
    application, _institution = setup
    data = {"version": application.version, "title": "Projet", "start": "01/01/0001"} | NO_ROWS

    client.post(reverse("applications:edit", args=[application.pk]), data)

    application.refresh_from_db()
    assert application.answers["start"] == "0001-01-01"


# Answers of any JSON shape, through the services ------------------------------------------

# No NUL: the form's fields refuse it (see the drafts above), and PostgreSQL's jsonb cannot hold it.
no_nul = st.characters(exclude_characters="\x00")
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(no_nul, max_size=30)
    | st.sampled_from(NUMBERS + DATES + CHOICES),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(no_nul, max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
VALID_ANSWERS = {
    "acronym": "NUMCOL",
    "abstract": "Numériser trois fonds rares",
    "field": "SHS",
    "tags": ["corpus"],
    "months": 12,
    "start": "2027-01-15",
}
answer_sets = st.builds(
    lambda base, changes: base | changes,
    st.sampled_from([VALID_ANSWERS, {}]),
    st.dictionaries(
        st.sampled_from(["acronym", "abstract", "field", "tags", "months", "count", "start", "?"]),
        json_values,
        max_size=3,
    ),
)


@GENERATED
@given(answers=answer_sets)
def test_answers_of_any_shape_are_judged_at_submission_never_crash(client, setup, answers):
    application, _institution = setup
    application.refresh_from_db()
    save_draft(
        application, application.version, actor=application.lead, title="Titre", answers=answers
    )
    received = False

    try:
        submission = submit_application(application, application.lead)
    except SubmissionRefused as refused:
        for messages in refused.problems.values():
            assert messages and all(isinstance(message, str) and message for message in messages)
        application.refresh_from_db()
        assert application.state == ApplicationState.DRAFT
        assert not application.submissions.exists()
    else:
        assert submission.content["answers"] == answers
        received = True
        # The read-only page of what was received shows the answers whatever their shape.
        assert client.get(reverse("applications:edit", args=[application.pk])).status_code == 200
        application.state = ApplicationState.DRAFT
        application.save(update_fields=["state"])
        application.submissions.all().delete()
    event(f"received {received}")
    # The page shows the draft whatever the answers' shape.
    assert client.get(reverse("applications:edit", args=[application.pk])).status_code == 200


# Posts that are not the page's form at all ------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"content_type": "application/json", "data": json.dumps({"title": ["x"], "version": 1})},
        {"content_type": "application/json", "data": "{not json"},
        {"content_type": "text/plain", "data": "\x00\xff" * 10},
        {"data": {}},
        {"data": {"version": "abc", "title": "Nouveau titre"}},
        {"data": {"version": "9" * 5000, "title": "Nouveau titre"}},
        {"data": {"version": str(2**70), "title": "Nouveau titre"}},
        {"data": {"version": "-1", "title": "Nouveau titre"}},
    ],
    ids=["json", "broken-json", "binary", "empty", "word", "huge", "overflow", "negative"],
)
@pytest.mark.parametrize("action", ["edit", "submit"])
def test_a_post_that_is_not_the_form_changes_nothing_and_says_so(client, setup, body, action):
    application, _institution = setup
    before = stored(application)

    response = client.post(reverse(f"applications:{action}", args=[application.pk]), **body)

    assert response.status_code in (302, 400, 409)
    assert stored(application) == before or action == "submit"
    if action == "submit":  # nothing was saved; the submission is refused for what is missing
        application.refresh_from_db()
        assert application.state == ApplicationState.DRAFT
        assert application.title == "Titre d'origine"
    if response.status_code == 400:
        assert "alert-danger" in response.content.decode()
        if action == "edit" or "version" in (
            body["data"] if isinstance(body["data"], dict) else {}
        ):
            # No field of the page is wrong: the page says the form itself was incomplete.
            # (Submit without the page's form only submits, refused for what is missing.)
            assert "Le formulaire était incomplet. Rechargez la page" in response.content.decode()
