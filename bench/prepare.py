"""Benchmark data: a call and applicants with complete drafts, made through the site's services
(the call saved and published as staff do in the admin, the drafts saved as the applicant's
page saves them)."""

import datetime as dt
import string
import time
from decimal import Decimal

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import User
from accounts.second_factor import SESSION_KEY as SECOND_FACTOR_KEY
from applications.services import save_draft, start_application
from calls.models import Call, CallCriterion, CallKind, Programme
from demo.publishing import publish
from demo.volume import BENCH_DOMAIN

QUESTIONS = [
    ("section", {"title": "Le projet", "title_en": "The project", "intro": ""}),
    (
        "text",
        {
            "label": "Acronyme",
            "label_en": "Acronym",
            "help_text": "",
            "required": True,
            "max_length": 30,
        },
    ),
    (
        "long_text",
        {
            "label": "Résumé",
            "label_en": "Summary",
            "help_text": "",
            "required": True,
            "max_words": 300,
        },
    ),
]
SUMMARY = " ".join(["Numérisation enrichie d'un fonds d'archives scientifiques."] * 20)


def session_cookies(user):
    """The cookies of a signed-in browser: a session in the database and a CSRF secret."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As after a real sign-in with the second factor (staff and council pages ask for it), and
    # just now (sensitive actions ask again after REAUTHENTICATION_MINUTES).
    session[SECOND_FACTOR_KEY] = str(user.pk)
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.create()
    csrf = get_random_string(32, string.ascii_letters + string.digits)
    return {"sessionid": session.session_key, "csrftoken": csrf}


def open_bench_call(title, slug, open_for, criteria=(), **fields):
    """A call open from yesterday for `open_for`, named with the time it was made (and a
    number when the bench made another in the same second), with `criteria` as (name,
    weight, top of the scale): saved and published as staff do in the admin."""
    now = timezone.now()
    stamp = now.strftime("%Y%m%d%H%M%S")
    same_second = Call.objects.filter(slug__startswith=f"{slug}-{stamp}").count()
    if same_second:
        stamp = f"{stamp}-{same_second + 1}"
    call = Call(
        title_fr=f"{title} {stamp}",
        slug=f"{slug}-{stamp}",
        kind=CallKind.PROJECTS,
        programme=Programme.objects.order_by("position").first(),
        summary_fr="Appel créé par make bench.",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + open_for,
        envelope=Decimal("5000000"),
        max_amount=Decimal("60000"),
        questions=QUESTIONS,
        **fields,
    )
    call.criteria = [
        CallCriterion(sort_order=position, name_fr=name, weight=Decimal(weight), scale_max=top)
        for position, (name, weight, top) in enumerate(criteria)
    ]
    call.full_clean()
    call.save()
    publish(call)
    return call


def complete_draft(application, title, answers, team_member, requested, **parts):
    """What the applicant's page saves: the title and answers, the lead as a researcher and
    `team_member` (name, e-mail, role), one budget line of `requested` euros; `parts` the
    other fields save_draft takes (keywords, disciplines)."""
    lead = application.lead
    name, email, role = team_member
    return save_draft(
        application,
        application.version,
        actor=lead,
        title=title,
        answers=answers,
        team=[
            {
                "name": lead.get_full_name() or lead.email,
                "email": lead.email,
                "institution_id": lead.institution_id,
                "role": "researcher",
                "is_lead": True,
            },
            {"name": name, "email": email, "institution_id": None, "role": role, "is_lead": False},
        ],
        budget=[
            {
                "category": "staff",
                "description": "Vacations",
                "amount_requested": Decimal(requested),
                "cofunding": Decimal(parts.pop("cofunding", 0)),
            }
        ],
        **parts,
    )


def prepare_applicants(rush, submitters):
    """A fresh open call and `rush + submitters + 1` applicants with drafts ready to submit."""
    call = open_bench_call(
        "Banc d'essai",
        "course-depot",
        dt.timedelta(minutes=30),
        requires_co_construction=True,
    )
    acronym, summary = (block.id for block in call.questions if not block.block.is_section)
    leads = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}", email__startswith="porteur-")
    leads = list(leads.order_by("email")[: rush + submitters + 1])
    if len(leads) < rush + submitters + 1:
        raise SystemExit("not enough benchmark applicants: run load_demo --size large")
    applications = []
    for number, lead in enumerate(leads):
        application = start_application(lead, call)
        complete_draft(
            application,
            f"Projet {number}",
            {acronym: f"P{number}", summary: SUMMARY},
            ("Bibliothécaire", f"bib-{number}@example.org", "documentation_professional"),
            "42000.00",
            cofunding="8000.00",
        )
        applications.append(application)
    demo_call = Call.objects.published().filter(slug="aap-numerisation-enrichie-2027").first()
    return {
        "call": call,
        "saver": applications[0],
        "submitters": applications[1 : submitters + 1],
        "rush": applications[submitters + 1 :],
        "demo_call_slug": (demo_call or call).slug,
    }
