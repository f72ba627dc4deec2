"""Funded projects as the open data publishes them, for the tests of the public project page, the
files and their schemas, the DCAT catalogue and the API: announced (a publication date long
past) or not, followed as a project with dates, a carrier, a schedule and deliverables."""

import datetime as dt
from decimal import Decimal

from accounts.models import Institution
from projects.models import Instalment

from .factories import CallFactory, DeliverableFactory, ProjectFactory, decided_application

SUMMARY_ID = "0b6f1c7e-5a55-4c2e-9d1e-3f3e0a1b2c3d"
FORM = [
    {
        "type": "long_text",
        "value": {
            "label": "Résumé du projet",
            "label_en": "Project abstract",
            "help_text": "",
            "required": True,
            "max_words": 300,
        },
        "id": SUMMARY_ID,
    },
]
PUBLISHED = dt.date(2020, 1, 1)


def institution(name, ror=""):
    return Institution.objects.get_or_create(name=name, defaults={"ror": ror})[0]


def funded_application(call=None, title="Herbiers numérisés", summary="", announced=True, **kw):
    call = call or CallFactory(closed=True, questions=FORM)
    return decided_application(
        call,
        "funded",
        amount=Decimal(kw.pop("amount", "8000.00")),
        application={"title": title, "answers": {SUMMARY_ID: summary} if summary else {}},
        publication_date=PUBLISHED if announced else None,
        **kw,
    )


def followed(application, state="running", carrier=None, instalments=(), **fields):
    """The project of `application`, in `state`, with its schedule: (planned_on, amount)."""
    project = ProjectFactory(
        decision=application.decision,
        state=state,
        carrier=carrier,
        amount_granted=application.decision.amount_granted,
        **fields,
    )
    for position, (planned_on, amount) in enumerate(instalments):
        Instalment.objects.create(
            project=project,
            position=position,
            label=f"Versement {position + 1}",
            planned_on=planned_on,
            amount=Decimal(amount),
        )
    return project


def deliverable(project, **fields):
    return DeliverableFactory(project=project, **fields)
