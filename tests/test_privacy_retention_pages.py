"""Staff's "Données personnelles" page: what the next retention run will anonymise, the holds in
force, holding a dossier (a reason is required) and lifting the hold; each logged, and the log
of exports, erasures and runs shown, newest first."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application
from privacy import retention
from privacy.anonymise import anonymise_application
from privacy.erasure import erase_account
from privacy.models import EventKind, Hold, PrivacyEvent
from privacy.register import RETENTION_RULES

from .factories import TOTP_SECRET, ApplicationFactory, UserFactory
from .reading import visible_text

pytestmark = pytest.mark.django_db

PAGE = reverse("privacy:retention")
HOLD = reverse("privacy:place_hold")
LONG_AGO = timezone.now() - dt.timedelta(days=3 * 366)


def abandoned(title="Brouillon oublié"):
    application = ApplicationFactory(title=title)
    Application.objects.filter(pk=application.pk).update(updated_at=LONG_AGO)
    return application


def abandoned_drafts_rule():
    """The rule's name as the French page shows it (the register names it)."""
    with translation.override("fr"):
        return str(RETENTION_RULES["abandoned_draft"].name)


def test_the_address_is_french():
    assert PAGE == "/gestion/donnees-personnelles/"


def test_staff_read_what_the_next_run_will_anonymise(client, programme_manager):
    draft = abandoned()
    ApplicationFactory(title="Brouillon du jour")
    idle = UserFactory(first_name="Ancien", last_name="Compte", last_login=LONG_AGO)
    UserFactory._meta.model.objects.filter(pk=idle.pk).update(date_joined=LONG_AGO)
    client.force_login(programme_manager)

    text = visible_text(client.get(PAGE))

    assert abandoned_drafts_rule() in text
    assert f"{draft.reference} Brouillon oublié" in text
    assert "Brouillon du jour" not in text
    assert f"#{idle.pk} Ancien Compte" in text
    assert f"{LONG_AGO.year}" in text


def test_the_page_shows_no_password_second_factor_or_token(client, programme_manager):
    idle = UserFactory(last_login=LONG_AGO, email="ancien@example.org")
    UserFactory._meta.model.objects.filter(pk=idle.pk).update(date_joined=LONG_AGO)
    client.force_login(programme_manager)

    page = client.get(PAGE).content.decode()

    for secret in (idle.password, programme_manager.password, TOTP_SECRET):
        assert secret not in page


@pytest.mark.parametrize("persona", ["applicant", "reviewer", "council_member"])
def test_only_programme_staff_open_the_page(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(PAGE).status_code == 404
    application = abandoned()
    assert client.post(HOLD, {"reference": application.reference, "reason": "x"}).status_code == 404
    assert not Hold.objects.exists()


def test_holding_needs_a_reason_shown_beside_the_field(client, programme_manager):
    application = abandoned()
    client.force_login(programme_manager)

    response = client.post(HOLD, {"reference": application.reference, "reason": "  "})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_reason"' in page and 'aria-invalid="true"' in page
    assert "Ce champ est obligatoire." in visible_text(response)
    assert not Hold.objects.exists()


def test_a_hold_is_placed_listed_and_lifted_and_each_is_logged(client, programme_manager):
    application = abandoned()
    client.force_login(programme_manager)

    response = client.post(
        HOLD, {"reference": application.reference, "reason": "Contentieux au tribunal"}, follow=True
    )

    text = visible_text(response)
    assert f"Le dossier {application.reference} est gelé." in text
    assert f"{application.reference} Contentieux au tribunal" in text
    hold = Hold.objects.get(application=application)
    assert hold.placed_by == programme_manager
    # Held: no longer among what the run will anonymise.
    assert f"{abandoned_drafts_rule()} 0 à anonymiser" in text

    response = client.post(reverse("privacy:lift_hold", args=[application.pk]), follow=True)

    assert f"Le gel de {application.reference} est levé." in visible_text(response)
    assert not Hold.objects.exists()
    kinds = PrivacyEvent.objects.order_by("pk").values_list("kind", "actor", "application")
    assert list(kinds) == [
        (EventKind.HOLD_PLACED, programme_manager.pk, application.pk),
        (EventKind.HOLD_LIFTED, programme_manager.pk, application.pk),
    ]


def test_a_dossier_anonymised_or_held_already_cannot_be_held(client, programme_manager):
    anonymised, held = abandoned(), abandoned()
    anonymise_application(anonymised, rule="abandoned_draft")
    Hold.objects.create(application=held, reason="Audit")
    client.force_login(programme_manager)

    for application in (anonymised, held):
        response = client.post(HOLD, {"reference": application.reference, "reason": "Audit"})
        assert "Ce dossier ne peut pas être gelé" in visible_text(response)
    response = client.post(HOLD, {"reference": "999-99999", "reason": "Audit"})
    assert "Aucune candidature n’a cette référence." in visible_text(response)
    assert Hold.objects.count() == 1


@pytest.mark.parametrize("size", [1, 6])
def test_the_page_reads_a_fixed_number_of_queries(
    client, programme_manager, django_assert_num_queries, size
):
    for number in range(size):
        application = abandoned()
        Hold.objects.create(application=application, reason=f"Audit {number}")
        PrivacyEvent.objects.create(
            kind=EventKind.HOLD_PLACED,
            application=application,
            person=UserFactory(),
            actor=programme_manager,
            note=f"Audit {number}",
        )
        abandoned()
    client.force_login(programme_manager)
    # Session, user, two for permissions; per rule its first records and its count (the
    # delivery log: its count only), 9; the holds with their application and author; the log
    # with its people and applications; the base template's six (site, its settings, menu
    # pages, unread messages...).
    with django_assert_num_queries(QUERIES):
        assert client.get(PAGE).status_code == 200


QUERIES = 21


def test_the_management_page_leads_staff_to_it(client, programme_manager, applicant):
    client.force_login(programme_manager)
    assert f'href="{PAGE}"' in client.get(reverse("reviews:management")).content.decode()


def test_the_log_shows_an_export_an_erasure_and_a_run_newest_first(client, programme_manager):
    exporting = UserFactory(first_name="Irène", last_name="Exportatrice", language="fr")
    leaving = UserFactory(first_name="Paul", last_name="Partant", email="paul.partant@example.org")
    client.force_login(exporting)
    assert client.get(reverse("privacy:export")).status_code == 200
    erase_account(leaving)
    draft = abandoned()
    retention.run(timezone.now())
    client.force_login(programme_manager)

    text = visible_text(client.get(PAGE))

    log = text[text.index("Journal") :]
    rule = abandoned_drafts_rule()
    assert f"Anonymisation nocturne — — Automatique {rule} : 1 anonymisé" in log
    assert "Compte effacé Compte supprimé — Compte supprimé" in log
    assert "Données personnelles exportées Irène Exportatrice — Irène Exportatrice" in log
    assert log.index("Anonymisation") < log.index("Compte effacé") < log.index("Irène")
    for gone in ("Partant", "paul.partant@example.org", draft.title):
        assert gone not in log, gone
