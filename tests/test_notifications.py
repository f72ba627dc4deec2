"""Notifications: each event makes the right messages for the right people, in their language;
preferences, the daily digest and the kinds that cannot be turned off."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.facts import person_facts
from accounts.roles import Role
from applications.facts import application_and_call, application_facts, submission_facts
from applications.services import reopen_application, submit_application
from applications.team import member_facts
from calls.facts import call_facts
from notifications.digests import send_digests
from notifications.events import RULES, Event, is_mandatory, preference_events
from notifications.models import Delivery, EmailMode, Message, Preference
from notifications.services import PreferenceRefused, notify, set_preferences
from reviews.facts import assignment_facts, assignments_context, invitation_facts

from .factories import ApplicationFactory, CallFactory, UserFactory

pytestmark = pytest.mark.django_db


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def call():
    return CallFactory(title_fr="Appel Patrimoine", title_en="Heritage call")


@pytest.fixture
def application(call, applicant):
    return ApplicationFactory(call=call, lead=applicant, title="Photographies d'Afrique")


def event_context(event, application, reviewer):
    """What the callers (applications, reviews) pass for each event: the same facts."""
    due = timezone.now() + dt.timedelta(days=7)
    assignment = SimpleNamespace(due_at=due, application=application, reviewer=reviewer)
    facts = application_and_call(application)
    submission = SimpleNamespace(number=1, fingerprint="ab" * 32, received_at=timezone.now())
    invitation = SimpleNamespace(
        name="Dominique Invitée", email="invitee@example.org", message="Bienvenue"
    )
    return {
        Event.APPLICATION_SUBMITTED: {
            "application": facts["application"],
            "submission": submission_facts(submission),
        },
        Event.APPLICATION_REOPENED: {
            "application": facts["application"],
            "reason": "Budget à préciser",
        },
        Event.ELIGIBILITY_RESULT: {
            "application": facts["application"],
            "eligible": False,
            "reason": "Hors périmètre",
        },
        Event.REVIEWER_INVITED: {
            "invitation": invitation_facts(invitation),
            "inviter": person_facts(reviewer),
            "call": facts["call"],
        },
        Event.TEAM_MEMBER_INVITED: {
            **facts,
            "inviter": person_facts(application.lead),
            "member": member_facts("Jean Membre", "membre@example.org", due),
        },
        Event.REVIEWER_ASSIGNED: assignments_context([assignment]),
        Event.CONFLICT_DECLARED: {
            "assignment": assignment_facts(assignment),
            "application": facts["application"],
            "reviewer": person_facts(reviewer),
            "reason": "Même laboratoire",
        },
        Event.REVIEW_DUE_SOON: assignments_context([assignment]),
        Event.REVIEW_LATE: assignments_context([assignment]),
        Event.REVIEW_SUBMITTED: {
            "assignment": assignment_facts(assignment),
            "application": facts["application"],
            "reviewer": person_facts(reviewer),
        },
        Event.REVIEW_REOPENED: {
            **facts,
            "assignment": assignment_facts(assignment),
            "reason": "Critère 2 à revoir",
        },
        Event.REPLY_PHASE_OPEN: facts,
        Event.DECISION: {
            "application": facts["application"],
            "context": {"summary": "Financé"},
        },
        Event.REPORT_READY: {"call": facts["call"], "context": {}},
        **project_contexts(application, facts),
        **label_contexts(facts),
    }[event]


def label_contexts(facts):
    """What labels.messages passes about a labelled collection (its facts, by hand)."""
    collection = {
        "name": "Fonds d'histoire des sciences",
        "code": "CX0012",
        "url": "http://testserver/collections-labellisees/12/",
        "expires_on": timezone.localdate(),
    }
    return {
        Event.LABEL_RENEWAL_INVITED: {
            "collection": collection,
            "call": facts["call"],
            "apply_url": "http://testserver/appels/label/renouveler/12/",
        },
        Event.LABEL_LAPSED: {"collection": collection},
        Event.COLLECTION_HOLDER_INVITED: {
            "collection": collection,
            "inviter": {"name": "Claude Gardienne", "email": "gardienne@example.org"},
        },
    }


def project_contexts(application, facts):
    """What projects.messages passes about a funded project (its facts, by hand)."""
    project = {
        "reference": application.reference,
        "title": application.title,
        "amount_granted": Decimal("8000.00"),
        "url": "http://testserver/projets/1/",
    }
    agreement = {"number": 1, "title": "Convention", "made_at": timezone.now()}
    amendment = {"kind_label": "Prolongation", "justification": "Retard", "accepted": True}
    report = {"title": "Rapport intermédiaire", "due_on": timezone.localdate(), "comment": "Vu."}
    about = {**facts, "project": project}
    return {
        Event.AGREEMENT_READY: {**about, "agreement": agreement},
        Event.AGREEMENT_SIGNED: {**about, "agreement": agreement},
        Event.AGREEMENT_UNSIGNED_REMINDER: {
            "agreements": [{**agreement, "project": project, "days": 31}],
            "count": 1,
            "days": 30,
        },
        Event.PAYMENT_RECORDED: {
            **about,
            "payment": {"amount": Decimal("100"), "paid": Decimal("100")},
        },
        Event.AMENDMENT_ASKED: {**about, "amendment": amendment},
        Event.AMENDMENT_DECIDED: {**about, "amendment": amendment},
        # A project's reports (projects.report_messages).
        Event.PROJECT_REPORT_SUBMITTED: {**about, "report": report},
        Event.PROJECT_REPORT_ACCEPTED: {**about, "report": report},
        Event.PROJECT_REPORT_CHANGES: {**about, "report": {**report, "changes_on": ["Budget"]}},
        Event.PROJECT_REPORT_REMINDER: {
            "reports": [{**report, "project": project, "late": True, "days": 3}],
            "count": 1,
            "days_before": 14,
        },
    }


# Every event


@pytest.mark.parametrize("event", list(Event))
def test_every_event_reaches_its_recipients_and_no_one_else(
    event,
    application,
    reviewer,
    programme_manager,
    other_applicant,
    django_capture_on_commit_callbacks,
):
    recipients = [
        programme_manager,
        "invitee@example.org",
        programme_manager,
        "Invitee@Example.org",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        messages = notify(
            event,
            recipients,
            event_context(event, application, reviewer),
            url=f"/candidatures/{application.pk}/",
        )

    assert len(messages) == 2  # each person once, whatever the case of the address
    assert sent_to() == ["gestionnaire@example.org", "invitee@example.org"]
    assert Message.objects.count() == 2
    assert not Message.objects.filter(user=other_applicant).exists()
    for email in mail.outbox:
        assert email.subject.startswith("[CollEx-Persée] ")
        assert f"http://testserver/candidatures/{application.pk}/" in email.body
        [(html, mimetype)] = email.alternatives
        assert mimetype == "text/html" and "<html" in html
        assert f'href="http://testserver/candidatures/{application.pk}/"' in html
    # The user has it in their inbox; the address without an account has no inbox.
    assert Message.objects.get(user=programme_manager).in_inbox
    assert not Message.objects.get(email="invitee@example.org").in_inbox


@pytest.mark.parametrize("event", list(Event))
def test_every_event_speaks_french_or_english_as_each_recipient_reads(
    event, application, reviewer, programme_manager, django_capture_on_commit_callbacks
):
    english_manager = english(
        UserFactory(email="manager@example.org", roles=[Role.PROGRAMME_MANAGER])
    )
    with django_capture_on_commit_callbacks(execute=True):
        french, english_message = notify(
            event,
            [programme_manager, english_manager],
            event_context(event, application, reviewer),
            url=f"/candidatures/{application.pk}/",
        )

    assert (french.language, english_message.language) == ("fr", "en")
    assert "Bien cordialement" in french.text and "Kind regards" in english_message.text
    # Each reads the link in their language (in the e-mail: an invitation's link is personal,
    # sent by e-mail only and never kept readable in the message).
    french_email, english_email = sorted(mail.outbox, key=lambda email: email.to != [french.email])
    assert f"http://testserver/candidatures/{application.pk}/" in french_email.body
    assert f"http://testserver/en/applications/{application.pk}/" in english_email.body
    if "call" in RULES[event].variables and event != Event.DECISION:
        assert "Appel Patrimoine" in french.text + french.subject
        assert "Heritage call" in english_message.text + english_message.subject


def test_an_address_without_an_account_reads_the_language_it_was_given(
    application, reviewer, django_capture_on_commit_callbacks
):
    context = event_context(Event.REVIEWER_INVITED, application, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        [english_message] = notify(
            Event.REVIEWER_INVITED, ["a@example.org"], context, language="en"
        )
        [french] = notify(Event.REVIEWER_INVITED, ["b@example.org"], context)

    assert english_message.language == "en" and "Hello Dominique Invitée," in english_message.text
    assert "Heritage call" in english_message.subject
    assert french.language == "fr" and "Appel Patrimoine" in french.subject
    assert "Bienvenue" in french.text  # the inviter's own message


def test_the_message_is_rendered_when_the_event_happens(
    application, reviewer, django_capture_on_commit_callbacks
):
    """What the message says is fixed at the event: later changes do not rewrite it."""
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(
            Event.APPLICATION_REOPENED,
            [application.lead],
            {"application": application_facts(application), "reason": "Budget"},
        )
    application.title = "Un autre titre"
    application.save(update_fields=["title"])

    message.refresh_from_db()
    assert "Photographies d'Afrique" in message.text
    assert "Photographies d'Afrique" in mail.outbox[0].body


def test_the_recipients_own_language_wins_and_the_callers_is_untouched(
    applicant, application, django_capture_on_commit_callbacks
):
    english(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(
            Event.APPLICATION_REOPENED,
            [applicant],
            {"application": application_facts(application), "reason": "Budget"},
            language="fr",
        )
    assert message.language == "en"
    assert mail.outbox[0].subject == (
        f"[CollEx-Persée] Application {application.reference} is open for changes again"
    )
    from django.utils import translation

    assert translation.get_language() == "fr"


# The flows that this issue moved onto notifications


def test_submitting_tells_the_lead_only(application, programme_manager, reviewer):
    application = ApplicationFactory(call=application.call, lead=application.lead, complete=True)
    submission = submit_application(application, application.lead)

    [message] = Message.objects.all()
    assert message.user == application.lead and message.event == Event.APPLICATION_SUBMITTED
    assert application.reference in message.subject
    assert submission.fingerprint in message.text
    assert str(submission.number) in message.text
    assert message.attachments == [["applications.receipts.receipt_attachment", [submission.pk]]]
    assert Delivery.objects.get().state == "pending"  # sent once the transaction commits


def test_reopening_tells_the_lead_why(application, programme_manager):
    application = ApplicationFactory(call=application.call, lead=application.lead, complete=True)
    submit_application(application, application.lead)

    reopen_application(application, programme_manager, "Le budget est à préciser.")

    message = Message.objects.get(event=Event.APPLICATION_REOPENED)
    assert message.user == application.lead
    assert "Le budget est à préciser." in message.text
    assert f"/candidatures/{application.pk}/" in message.url
    assert Message.objects.filter(user=programme_manager).count() == 0


def test_a_rolled_back_event_leaves_no_message(application):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(
            Event.APPLICATION_REOPENED,
            [application.lead],
            {"application": application_facts(application)},
        )
        raise RuntimeError("the caller's action failed")

    assert Message.objects.count() == 0
    assert Delivery.objects.count() == 0


# Confidentiality


def test_a_message_to_an_applicant_never_names_a_reviewer(
    application, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATIONS_STRICT_CONTEXT = False  # one context for every event, on purpose
    reviewer = UserFactory(first_name="Zéphyrine", last_name="Secrète", roles=[Role.REVIEWER])
    leaky = {
        **application_and_call(application),
        "eligible": False,
        "reason": "Hors périmètre",
        "reviewer": person_facts(reviewer),
        "assignment": {"due_at": None, "application": application_facts(application)},
        "assignments": [],
    }
    applicant_events = [event for event in Event if RULES[event].audience == "applicant"]
    with django_capture_on_commit_callbacks(execute=True):
        for event in applicant_events:
            notify(event, [application.lead], leaky)

    assert len(mail.outbox) == len(applicant_events)
    for email in mail.outbox:
        assert "Secrète" not in email.body + email.subject + email.alternatives[0][0]
        assert reviewer.email not in email.body


def test_a_reviewer_given_several_applications_gets_one_message_listing_them(
    application, reviewer, django_capture_on_commit_callbacks
):
    other = ApplicationFactory(call=application.call, title="Archives de laboratoires")
    due = timezone.now() + dt.timedelta(days=21)
    assignments = [SimpleNamespace(due_at=due, application=item) for item in (application, other)]
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(Event.REVIEWER_ASSIGNED, [reviewer], assignments_context(assignments))

    assert message.subject.startswith("[CollEx-Persée] 2 ")
    for item in (application, other):
        assert item.reference in message.text and item.title in message.text
        assert item.reference in message.html
    assert len(mail.outbox) == 1


def test_staff_are_told_who_declared_a_conflict(
    application, reviewer, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(
            Event.CONFLICT_DECLARED,
            [programme_manager],
            event_context(Event.CONFLICT_DECLARED, application, reviewer),
        )
    assert reviewer.get_full_name() in message.text
    assert "Même laboratoire" in message.text


# Preferences


def test_without_a_choice_everything_is_emailed_at_once(
    application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            Event.ELIGIBILITY_RESULT,
            [application.lead],
            {"application": application_facts(application)},
        )
    assert sent_to() == [application.lead.email]


def test_a_kind_turned_off_stays_in_the_inbox_only(
    application, other_applicant, django_capture_on_commit_callbacks
):
    set_preferences(application.lead, {Event.ELIGIBILITY_RESULT: EmailMode.OFF})
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            Event.ELIGIBILITY_RESULT,
            [application.lead, other_applicant],
            {"application": application_facts(application), "eligible": True},
        )

    assert sent_to() == [other_applicant.email]
    message = Message.objects.get(user=application.lead)
    assert message.in_inbox and message.email_mode == EmailMode.OFF
    assert not message.deliveries.exists()


@pytest.mark.parametrize("event", [Event.APPLICATION_SUBMITTED, Event.DECISION])
def test_a_mandatory_kind_cannot_be_turned_off_or_deferred(
    event, application, django_capture_on_commit_callbacks
):
    assert is_mandatory(event)
    for mode in (EmailMode.OFF, EmailMode.DIGEST):
        with pytest.raises(PreferenceRefused):
            set_preferences(application.lead, {event: mode})
    # Even a row written behind the service's back does not stop it.
    Preference.objects.create(user=application.lead, event=event, email_mode=EmailMode.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(
            event,
            [application.lead],
            event_context(event, application, application.lead),
        )

    assert message.email_mode == EmailMode.IMMEDIATE
    assert sent_to() == [application.lead.email]


def test_the_mandatory_kinds_are_the_receipt_and_the_decision():
    assert {event for event in Event if is_mandatory(event)} == {
        Event.APPLICATION_SUBMITTED,
        Event.DECISION,
    }
    assert Event.REVIEWER_INVITED not in preference_events()  # sent to addresses


# The daily digest


def test_the_daily_digest_gathers_the_days_messages_in_one_email(
    application, reviewer, django_capture_on_commit_callbacks
):
    lead = application.lead
    set_preferences(
        lead, {Event.ELIGIBILITY_RESULT: EmailMode.DIGEST, Event.REPLY_PHASE_OPEN: EmailMode.DIGEST}
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            Event.ELIGIBILITY_RESULT,
            [lead],
            {"application": application_facts(application), "eligible": True},
        )
        notify(
            Event.REPLY_PHASE_OPEN,
            [lead],
            {"application": application_facts(application), "call": call_facts(application.call)},
        )
        notify(
            Event.APPLICATION_REOPENED, [lead], {"application": application_facts(application)}
        )  # at once
    assert len(mail.outbox) == 1  # only the one at once

    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1

    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.to == [lead.email]
    assert digest.body.count(application.reference) == 2  # both messages, listed
    waiting = Message.objects.filter(email_mode=EmailMode.DIGEST)
    assert waiting.count() == 2 and all(message.digest_id for message in waiting)
    assert "http://testserver/messages/" in digest.body  # the inbox
    # Nothing left for the next run, and the digest itself is not an inbox message.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0
    assert len(mail.outbox) == 2
    assert Message.objects.inbox(lead).count() == 3


def test_the_digest_lists_each_message_and_speaks_the_recipients_language(
    application, django_capture_on_commit_callbacks
):
    lead = english(application.lead)
    set_preferences(lead, {Event.ELIGIBILITY_RESULT: EmailMode.DIGEST})
    notify(
        Event.ELIGIBILITY_RESULT,
        [lead],
        {"application": application_facts(application), "eligible": True},
    )
    notify(
        Event.ELIGIBILITY_RESULT,
        [lead],
        {"application": application_facts(application), "eligible": False},
    )

    with django_capture_on_commit_callbacks(execute=True):
        send_digests()

    [digest] = mail.outbox
    assert digest.subject == "[CollEx-Persée] Your messages of the day"
    assert f"Application {application.reference} is eligible" in digest.body
    assert f"Application {application.reference} is not eligible" in digest.body
    assert "http://testserver/en/messages/" in digest.body
    assert "Application" in digest.alternatives[0][0]


def test_the_digest_waits_for_messages_written_after_it_started(application):
    set_preferences(application.lead, {Event.ELIGIBILITY_RESULT: EmailMode.DIGEST})
    notify(
        Event.ELIGIBILITY_RESULT,
        [application.lead],
        {"application": application_facts(application)},
    )

    assert send_digests(now=timezone.now() - dt.timedelta(minutes=1)) == 0
    assert send_digests() == 1
