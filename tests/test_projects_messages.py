"""What a funded project's people are told (projects.messages): each event reaches the right
people, in their language, once; the daily reminder of unsigned agreements waits its number of
days and tells each person at most once a day."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from decisions.letters import send_letter
from notifications.events import Event
from notifications.models import Message
from projects import messages, payments
from projects.models import AgreementVersion, Amendment, AmendmentKind, Condition, Project
from projects.tasks import remind_unsigned_agreements

from .factories import CallFactory, UserFactory, decided_application, joined_member

pytestmark = pytest.mark.django_db


def funded_project(staff, lead=None, title="Corpus des thèses"):
    application = decided_application(
        CallFactory(closed=True, title_fr="Appel Patrimoine", title_en="Heritage call"),
        amount=Decimal("58400.00"),
        application={"title": title, **({"lead": lead} if lead else {})},
    )
    send_letter(application.decision, staff)
    return Project.objects.get(decision=application.decision)


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def told(event):
    """{recipient's address: (language, subject, text)} of the messages of `event`."""
    return {
        message.email: (message.language, message.subject, message.text)
        for message in Message.objects.filter(event=event)
    }


def version_of(project, staff, number=1, days_ago=0, signed=False):
    version = AgreementVersion.objects.create(
        project=project,
        number=number,
        language="fr",
        title="Convention attributive d'aide",
        body="…",
        pdf=f"projects/{project.pk}/agreement-{number}.pdf",
        sha256="0" * 64,
        created_by=staff,
        signed_at=timezone.now() if signed else None,
    )
    if days_ago:
        AgreementVersion.objects.filter(pk=version.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
        version.refresh_from_db()
    return version


@pytest.fixture
def lead():
    return english(UserFactory(email="lead@example.org", first_name="Alex", last_name="Porteur"))


@pytest.fixture
def colleague():
    return UserFactory(email="collegue@example.org", roles=[Role.PROGRAMME_MANAGER])


@pytest.fixture
def project(programme_manager, lead):
    return funded_project(programme_manager, lead)


# Each event


def test_an_agreement_ready_reaches_the_lead_the_team_and_other_staff_once(
    project, lead, programme_manager, colleague, other_applicant
):
    member = UserFactory(email="membre@example.org")
    joined_member(project.application, member)
    version = version_of(project, programme_manager)

    messages.agreement_ready(version)
    messages.agreement_ready(version)  # told again: nobody reads it twice

    sent = told(Event.AGREEMENT_READY)
    # The staff member who made it needs no message; someone outside the project gets none.
    assert set(sent) == {"lead@example.org", "membre@example.org", "collegue@example.org"}
    language, subject, text = sent["lead@example.org"]
    assert language == "en"
    assert subject == f"[CollEx-Persée] Funding agreement of project {project} ready to sign"
    assert "“Corpus des thèses” (call “Heritage call”)" in text
    assert "Amount granted: €58,400." in text
    language, subject, text = sent["membre@example.org"]
    assert language == "fr"
    assert subject == f"[CollEx-Persée] Convention du projet {project} prête à signer"
    assert "(appel «\u00a0Appel Patrimoine\u00a0»)" in text
    assert f"/projets/{project.pk}/" in Message.objects.get(email="membre@example.org").url


def test_a_signed_agreement_tells_the_lead_only_and_only_once_signed(
    project, lead, programme_manager, colleague
):
    version = version_of(project, programme_manager)
    messages.agreement_signed(version)
    assert not told(Event.AGREEMENT_SIGNED)  # not signed yet: nothing to tell

    version.signed_at = timezone.now()
    messages.agreement_signed(version)
    messages.agreement_signed(version)

    [(address, (language, subject, _text))] = told(Event.AGREEMENT_SIGNED).items()
    assert (address, language) == ("lead@example.org", "en")
    assert subject == f"[CollEx-Persée] Funding agreement of project {project} signed"


def test_recording_a_payment_tells_the_lead_how_much_when_and_what_remains(
    project, lead, programme_manager
):
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": "Avance",
                "share": Decimal("70"),
                "amount": None,
                "planned_on": dt.date(2026, 3, 16),
                "condition": Condition.NONE,
            },
            {
                "instalment": None,
                "label": "Solde",
                "share": Decimal("30"),
                "amount": None,
                "planned_on": dt.date(2027, 3, 16),
                "condition": Condition.NONE,
            },
        ],
        programme_manager,
    )
    first = project.instalments.first()
    payment = payments.record_payment(
        first,
        paid_on=dt.date(2026, 4, 2),
        amount=Decimal("40880.00"),
        reference="MDT-2026-0001",
        actor=programme_manager,
    )
    messages.payment_recorded(payment)  # a second call for the same payment tells nobody

    [(address, (language, subject, text))] = told(Event.PAYMENT_RECORDED).items()
    assert (address, language) == ("lead@example.org", "en")
    assert subject == f"[CollEx-Persée] Payment of €40,880 recorded for project {project}"
    assert "* paid on: April 2, 2026" in text
    assert "* accounting reference: MDT-2026-0001" in text
    assert "Paid so far: €40,880 of the €58,400 granted; still to pay: €17,520." in text


def test_a_payment_refused_tells_nobody(project, programme_manager):
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": "Tout",
                "share": None,
                "amount": project.amount_granted,
                "planned_on": dt.date(2026, 3, 16),
                "condition": Condition.AGREEMENT_SIGNED,
            }
        ],
        programme_manager,
    )
    with pytest.raises(payments.PaymentError):
        payments.record_payment(
            project.instalments.get(),
            paid_on=dt.date(2026, 4, 2),
            amount=Decimal("100"),
            reference="MDT-1",
            actor=programme_manager,
        )
    assert not told(Event.PAYMENT_RECORDED)


def test_an_amendment_asked_reaches_programme_staff_in_their_language(
    project, lead, programme_manager, colleague
):
    english(colleague)
    amendment = Amendment.objects.create(
        project=project,
        kind=AmendmentKind.EXTENSION,
        extension_months=6,
        justification="Le chantier a pris du retard.",
        asked_by=lead,
    )

    messages.amendment_asked(amendment)
    messages.amendment_asked(amendment)

    sent = told(Event.AMENDMENT_ASKED)
    assert set(sent) == {"gestionnaire@example.org", "collegue@example.org"}
    language, subject, text = sent["collegue@example.org"]
    assert language == "en"
    assert subject == f"[CollEx-Persée] Amendment asked for project {project}"
    assert "Alex Porteur asked for an amendment" in text
    assert "Extension of the end date" in text and "6 months later" in text
    assert "Le chantier a pris du retard." in text
    language, subject, text = sent["gestionnaire@example.org"]
    assert language == "fr" and "Avenant demandé pour le projet" in subject


def test_an_amendment_decided_tells_the_lead_and_who_asked_not_who_decided(
    project, lead, programme_manager, colleague
):
    amendment = Amendment.objects.create(
        project=project,
        kind=AmendmentKind.GIVE_BACK,
        amount=Decimal("5000"),
        justification="Une mission annulée.",
        asked_by=colleague,
    )
    messages.amendment_decided(amendment)
    assert not told(Event.AMENDMENT_DECIDED)  # still asked: nothing decided to tell

    amendment.state = "refused"
    amendment.decided_by = programme_manager
    amendment.decided_at = timezone.now()
    amendment.decision_reason = "Le budget est engagé."
    messages.amendment_decided(amendment)
    messages.amendment_decided(amendment)

    sent = told(Event.AMENDMENT_DECIDED)
    assert set(sent) == {"lead@example.org", "collegue@example.org"}
    language, subject, text = sent["lead@example.org"]
    assert subject == f"[CollEx-Persée] Amendment refused for project {project}"
    assert "Giving back part of the grant, is refused." in text
    assert "Le budget est engagé." in text
    assert sent["collegue@example.org"][0] == "fr"


# The daily reminder


@pytest.fixture
def days():
    return settings.AGREEMENT_REMINDER_DAYS


def test_no_reminder_before_its_number_of_days(project, programme_manager, days):
    version_of(project, programme_manager, days_ago=days - 1)
    assert messages.remind_unsigned_agreements() == 0
    assert not Message.objects.filter(event=Event.AGREEMENT_UNSIGNED_REMINDER).exists()


def test_an_unsigned_agreement_is_reminded_to_staff_and_lead_once_a_day(
    project, lead, programme_manager, days
):
    other = funded_project(programme_manager, title="Cartes anciennes")
    version_of(project, programme_manager, days_ago=days + 2)
    version_of(other, programme_manager, days_ago=days)

    assert remind_unsigned_agreements.delay().get() == 3
    assert remind_unsigned_agreements.delay().get() == 0  # the same day: nobody again

    reminders = Message.objects.filter(event=Event.AGREEMENT_UNSIGNED_REMINDER)
    staff = reminders.get(user=programme_manager)
    assert staff.subject == "[CollEx-Persée] 2\u00a0conventions toujours non signées"
    assert f"{project} «\u00a0Corpus des thèses\u00a0», version\u00a01" in staff.text
    assert "Cartes anciennes" in staff.text
    assert staff.url == "http://testserver/gestion/projets/retards/"  # the list of what is late
    theirs = reminders.get(user=lead)
    assert theirs.subject == (
        f"[CollEx-Persée] Funding agreement of project {project} still unsigned"
    )
    assert "Cartes anciennes" not in theirs.text
    assert f"({days + 2} days ago)" in theirs.text

    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert messages.remind_unsigned_agreements(tomorrow) == 3
    assert messages.remind_unsigned_agreements(tomorrow) == 0


def test_a_signed_or_newer_version_is_not_reminded(project, programme_manager, days):
    version_of(project, programme_manager, days_ago=days + 5)
    version_of(project, programme_manager, number=2)  # the latest, made today
    signed = funded_project(programme_manager, title="Cartes anciennes")
    version_of(signed, programme_manager, days_ago=days + 5, signed=True)

    assert messages.remind_unsigned_agreements() == 0


def test_the_reminder_runs_every_day_from_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "projects.tasks.remind_unsigned_agreements" in tasks


def test_a_new_version_after_an_amendment_is_reminded_and_listed_late(
    project, lead, programme_manager, days
):
    from projects.models import ProjectState
    from projects.queries import late_agreements

    version_of(project, programme_manager, days_ago=days + 40, signed=True)
    version_of(project, programme_manager, number=2, days_ago=days + 3)  # after an amendment
    Project.objects.filter(pk=project.pk).update(state=ProjectState.RUNNING)
    ended = funded_project(programme_manager, title="Cartes anciennes")
    version_of(ended, programme_manager, days_ago=days + 3)
    Project.objects.filter(pk=ended.pk).update(state=ProjectState.CLOSED)

    assert [(row.pk, row.version_number) for row in late_agreements()] == [(project.pk, 2)]
    assert messages.remind_unsigned_agreements() == 2  # staff, and the lead
    staff = Message.objects.get(event=Event.AGREEMENT_UNSIGNED_REMINDER, user=programme_manager)
    assert "version\u00a02" in staff.text and "Cartes anciennes" not in staff.text


def test_the_lead_is_asked_to_have_it_signed_staff_to_record_the_signatures(
    project, lead, programme_manager, days
):
    version_of(project, programme_manager, days_ago=days + 2)
    messages.remind_unsigned_agreements()

    reminders = Message.objects.filter(event=Event.AGREEMENT_UNSIGNED_REMINDER)
    theirs = " ".join(reminders.get(user=lead).text.split())
    assert "return the signed copy to the programme's staff" in theirs
    assert "record the signatures on the project's page" not in theirs
    staff = " ".join(reminders.get(user=programme_manager).text.split())
    assert "enregistrez les signatures sur la page du projet" in staff


def test_a_reminder_says_1_day_ago_in_the_singular():
    from django.utils import translation

    from notifications.previews import samples
    from notifications.rendering import render_file

    context = samples(timezone.now())
    context["agreements"][0]["days"] = 1
    with translation.override("en"):
        body = render_file(
            "notifications/agreement_unsigned_reminder/body.txt", context, autoescape=False
        )
    text = " ".join(body.split())
    assert "(1 day ago)" in text and "(1 days ago)" not in text


def test_the_projects_address_is_in_each_recipients_language(project):
    from django.utils import translation

    url = messages.project_facts(project)["url"]
    with translation.override("en"):
        english_url = str(url)
    with translation.override("fr"):
        french_url = str(url)
    assert english_url != french_url
    assert french_url.endswith(f"/projets/{project.pk}/")
    assert f"/projects/{project.pk}/" in english_url
