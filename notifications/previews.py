"""Sample contexts: what each kind of message receives, with made-up values.

A sample is the shape of the real context (plain values, common.sandbox): the callers' contexts
are checked against it (notify), a template edited in the admin may use only the names it holds,
and staff see the template rendered with it before saving (the admin preview). This app imports
no other app: the samples are written here, and a test compares them with what the callers build.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from common.sandbox import plain

from .events import Event, template_variables
from .rendering import common_context, render_edited


def sample_call(now):
    return {
        "title": "Appel à projets 2026 – Numérisation enrichie",
        "kind": "projects",
        "kind_label": "Appel à projets",
        "opens_at": now - dt.timedelta(days=60),
        "closes_at": now - dt.timedelta(days=30),
        "reply_opens_at": now,
        "reply_closes_at": now + dt.timedelta(days=10),
        "reply_max_chars": 3000,
        "contact_email": "appels@example.org",
        "url": f"{settings.SITE_URL}/appels/numerisation-2026/",
    }


def sample_application(now):
    return {
        "reference": "007-00042",
        "title": "Photographies d'Afrique",
        "state": "submitted",
        "state_label": "Déposée",
        "submitted_at": now - dt.timedelta(days=31),
        "call_title": "Appel à projets 2026 – Numérisation enrichie",
    }


def sample_project(now):
    return {
        "reference": "007-00042",
        "title": "Photographies d'Afrique",
        "carrier": "Université de Lyon",
        "amount_granted": Decimal("58400.00"),
        "state_label": "Convention en préparation",
        "start_date": None,
        "end_date": None,
        "url": f"{settings.SITE_URL}/projets/12/",
    }


def sample_amendment(now):
    return {
        "kind": "extension",
        "kind_label": "Prolongation de la date de fin",
        "justification": "Le chantier de numérisation a pris du retard.",
        "extension_months": 6,
        "amount": None,
        "asked_by": "Alex Porteur",
        "asked_at": now - dt.timedelta(days=3),
        "state": "accepted",
        "state_label": "Acceptée",
        "accepted": True,
        "decision_reason": "Le retard est justifié.",
        "decided_at": now,
    }


def sample_report(now):
    return {
        "title": "Rapport intermédiaire",
        "kind_label": "Rapport intermédiaire",
        "due_on": (now + dt.timedelta(days=30)).date(),
        "state_label": "Modifications demandées",
        "submission": 1,
        "received_at": now - dt.timedelta(days=2),
        "comment": "Précisez le calendrier de numérisation.",
        "changes_on": ["Avancement du projet"],
        "url": f"{settings.SITE_URL}/projets/12/",
    }


def samples(now):
    application = sample_application(now)
    assignment = {"due_at": now + dt.timedelta(days=7), "application": application}
    project = sample_project(now)
    agreement = {
        "number": 1,
        "title": "Convention attributive d'aide",
        "made_at": now - dt.timedelta(days=31),
        "signed_at": None,
        "reason": "",
    }
    return {
        # A funded project and what happens to it (projects.messages).
        "project": project,
        "agreement": agreement,
        "agreements": [{**agreement, "project": project, "days": 31}],
        # The reminder's wording: staff record the signatures, the lead has them made.
        "for_staff": True,
        "days": 30,
        "payment": {
            "instalment": "À la signature",
            "amount": Decimal("40880.00"),
            "paid_on": now.date(),
            "reference": "MDT-2026-0001",
            "paid": Decimal("40880.00"),
            "remaining": Decimal("17520.00"),
        },
        "amendment": sample_amendment(now),
        # A report a project owes, and the daily reminder of those due soon or late.
        "report": sample_report(now),
        "reports": [{**sample_report(now), "project": project, "late": False, "days": 14}],
        "days_before": 14,
        "application": application,
        "call": sample_call(now),
        # A labelled collection (labels.messages.collection_facts) and its renewal's link.
        "collection": {
            "name": "Fonds d'histoire des sciences",
            "code": "CX0012",
            "url": f"{settings.SITE_URL}/collections-labellisees/12/",
            "labelled_since": (now - dt.timedelta(days=5 * 365)).date(),
            "expires_on": (now + dt.timedelta(days=90)).date(),
        },
        "apply_url": f"{settings.SITE_URL}/appels/labellisation-2027/renouveler/12/",
        "submission": {
            "number": 1,
            "fingerprint": "9f86d081884c7d659a2feaa0c55ad015" * 2,
            "received_at": now,
        },
        "reason": "Le budget est à préciser.",
        "eligible": False,
        "invitation": {
            "name": "Dominique Invitée",
            "email": "invitee@example.org",
            "message": "Votre expertise sur les archives scientifiques nous serait précieuse.",
        },
        "inviter": {"name": "Claude Gestionnaire", "email": "gestion@example.org"},
        # A team row invited to join an application (applications.team.member_facts).
        "member": {
            "name": "Dominique Membre",
            "email": "membre@example.org",
            "expires_at": now + dt.timedelta(days=30),
        },
        "assignment": assignment,
        "assignments": [assignment],
        "count": 1,
        "reviewer": {"name": "Camille Expert", "email": "expert@example.org"},
        "context": {
            # A decision: the letter sent with it (decisions.letters), or a summary.
            "outcome": "funded",
            "letter_subject": "Décision sur votre candidature 007-00042",
            "letter": "Madame, Monsieur, ...",
            "summary": "",
            # A report (reports.governance.jobs).
            "kind": "Rapport d'appel",
            "programme": "Programme 1",
            "year": now.year,
            "pages": 12,
        },
        "messages": [
            {
                "title": "Évaluation attendue",
                "text": "Votre évaluation est attendue dans sept jours.",
                "url": f"{settings.SITE_URL}/",
                "created_at": now,
            }
        ],
    }


def sample_context(kind):
    """The variables of `kind`'s templates, with sample values (plain)."""
    now = timezone.now().replace(microsecond=0)
    values = samples(now)
    common = common_context("Alex Porteur", settings.SITE_URL, has_account=True)
    return plain(
        {
            name: values[name] if name in values else common[name]
            for name in template_variables(kind)
        }
    )


def preview(template):
    """The message `template` (saved or not) makes with the sample context: subject, text, HTML,
    or the error that stops it."""
    language = template.language or settings.LANGUAGE_CODE
    kind = template.event or Event.DECISION
    with translation.override(language):
        try:
            rendered = render_edited(template, sample_context(kind), sample_context(kind))
        except Exception as error:  # shown to the editor instead of the message
            return {"error": str(error) or type(error).__name__}
    return {"subject": rendered.subject, "text": rendered.text, "html": rendered.html}
