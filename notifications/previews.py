"""Sample contexts, so that staff see a template rendered before saving it (the admin preview).

Plain objects with the attributes the templates use: this app imports no other app's models.
"""

import datetime as dt
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone, translation

from .events import DIGEST, Event
from .rendering import common_context, render_edited


class SamplePerson:
    def __init__(self, first_name, last_name, email):
        self.first_name, self.last_name, self.email = first_name, last_name, email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}"

    def __str__(self):
        return self.get_full_name()


def sample_context(kind):
    now = timezone.now().replace(microsecond=0)
    call = SimpleNamespace(
        title="Appel à projets 2026 – Numérisation enrichie",
        reply_closes_at=now + dt.timedelta(days=10),
        closes_at=now - dt.timedelta(days=30),
    )
    application = SimpleNamespace(
        title="Photographies d'Afrique", reference="007-00042", call=call, pk=42
    )
    reviewer = SamplePerson("Camille", "Expert", "expert@example.org")
    assignment = SimpleNamespace(due_at=now + dt.timedelta(days=7), application=application)
    samples = {
        "application": application,
        "call": call,
        "submission": SimpleNamespace(
            number=1, fingerprint="9f86d081884c7d659a2feaa0c55ad015" * 2, received_at=now
        ),
        "reason": "Le budget est à préciser.",
        "eligible": False,
        "invitation": SimpleNamespace(
            name="Dominique Invitée",
            email="invitee@example.org",
            message="Votre expertise sur les archives scientifiques nous serait précieuse.",
        ),
        "inviter": SamplePerson("Claude", "Gestionnaire", "gestion@example.org"),
        "assignment": assignment,
        "assignments": [assignment],
        "reviewer": reviewer,
        "context": {},
    }
    if kind == DIGEST:
        samples["messages"] = [
            SimpleNamespace(
                title="Évaluation attendue",
                text="Votre évaluation est attendue dans sept jours.",
                url=f"{settings.SITE_URL}/",
                created_at=now,
            )
        ]
    return {
        **samples,
        **common_context(SamplePerson("Alex", "Porteur", "porteur@example.org"), settings.SITE_URL),
    }


def preview(template):
    """The message `template` (saved or not) makes with the sample context: subject, text, HTML,
    or the error that stops it."""
    language = template.language or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            rendered = render_edited(template, sample_context(template.event or Event.DECISION))
        except Exception as error:  # shown to the editor instead of the message
            return {"error": f"{type(error).__name__}: {error}"}
    return {"subject": rendered.subject, "text": rendered.text, "html": rendered.html}
