"""Templates that staff edit (messages, decision letters) cannot reach the database.

Issue 13, finding 1: a programme manager's template loaded a tag library, walked from a real
model to every user (password hashes, MFA secrets), called a method that writes, and read a
password-reset link from the outbox. These are the same probes, against the sandbox: each is
refused when saved, and a template stored before the sandbox existed is refused when used (its
default text goes instead); secrets are never kept readable in a message.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.facts import person_facts
from applications.facts import application_facts, submission_facts
from calls.facts import call_facts
from common.sandbox import TemplateRefused, compile_template, plain, render
from decisions.letters import render_letter
from decisions.letters import sample_context as letter_sample
from decisions.models import LetterTemplate, Outcome
from notifications.events import Event
from notifications.models import Delivery, Message, MessageTemplate
from notifications.previews import sample_context
from notifications.services import ResendRefused, notify, resend
from reviews.facts import assignment_facts, invitation_facts

from .factories import ApplicationFactory, UserFactory, decided_application

pytestmark = pytest.mark.django_db

MESSAGE_ADD = "wagtailsnippets_notifications_messagetemplate:add"
MESSAGE_PREVIEW = "wagtailsnippets_notifications_messagetemplate:preview_on_add"
LETTER_ADD = "wagtailsnippets_decisions_lettertemplate:add"

# What the attacker of the issue typed, and what each probe reaches for.
PROBES = {
    "load": "{% load wagtailsettings_tags %}{% get_settings use_default_site=True as s %}{{ s }}",
    "recipient walk": "{{ recipient.password }}{{ recipient.mfa_authenticators.all }}",
    "model walk": "{% for a in application.call.applications.all %}{{ a.lead.email }}{% endfor %}",
    "writing method": "{{ recipient_name.emailaddress_set.first.set_verified }}",
    "password hash": "{{ application.lead.password }}",
    "outbox": "{{ site_name.notification_messages.all }}{% include 'x.html' %}",
    "method of a value": "{{ reason.upper }}",
    "mapping method": "{{ application.clear }}",
}


def message_form(text, **fields):
    return {
        "event": Event.APPLICATION_REOPENED,
        "language": "fr",
        "subject": "Candidature {{ application.reference }}",
        "text": text,
        "html": "",
        **fields,
    }


@pytest.fixture
def manager_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


@pytest.mark.parametrize("probe", PROBES.values(), ids=PROBES.keys())
def test_each_probe_is_refused_when_a_message_template_is_saved(manager_client, probe):
    response = manager_client.post(reverse(MESSAGE_ADD), message_form(probe))

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["text"])
    assert "n’est pas" in errors or "n’a pas" in errors or "est une valeur" in errors
    assert not MessageTemplate.objects.exists()
    preview = manager_client.post(reverse(MESSAGE_PREVIEW), message_form(probe))
    assert preview.json()["is_valid"] is False


@pytest.mark.parametrize("probe", PROBES.values(), ids=PROBES.keys())
def test_each_probe_is_refused_when_a_letter_template_is_saved(manager_client, probe):
    response = manager_client.post(
        reverse(LETTER_ADD),
        {"kind": "", "outcome": Outcome.FUNDED, "language": "fr", "subject": "S", "body": probe},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert not LetterTemplate.objects.exists()


def test_the_refusal_says_what_is_allowed(manager_client):
    response = manager_client.post(reverse(MESSAGE_ADD), message_form(PROBES["load"]))

    [error] = response.context["form"].errors["text"]
    assert "{% load %}" in error and "{% if %}, {% for %}" in error and "money" in error
    response = manager_client.post(reverse(MESSAGE_ADD), message_form("{{ application.lead }}"))
    [error] = response.context["form"].errors["text"]
    assert "application.reference" in error and "application.title" in error


def test_a_good_template_with_loops_and_filters_is_saved(manager_client):
    text = (
        "{% if application.submitted_at %}Déposée le {{ application.submitted_at|date:'j F Y' }}"
        "{% endif %}{% for x in url %}{% endfor %} {{ reason|default:'—' }}"
    )
    response = manager_client.post(reverse(MESSAGE_ADD), message_form(text))

    assert response.status_code == 302
    assert MessageTemplate.objects.get().text == text


@pytest.mark.parametrize("probe", ["writing method", "password hash", "model walk"])
def test_a_template_stored_before_the_sandbox_is_refused_when_used(applicant, probe):
    """A template saved before this change (no clean()) reaches nothing: the default text goes."""
    EmailAddress.objects.create(user=applicant, email="autre-adresse@example.org")
    application = ApplicationFactory(lead=applicant, title="Projet de la porteuse")
    MessageTemplate.objects.create(
        event=Event.APPLICATION_REOPENED, language="fr", subject="S", text=PROBES[probe]
    )

    [message] = notify(
        Event.APPLICATION_REOPENED, [applicant], {"application": application_facts(application)}
    )

    assert message.text.startswith("Bonjour") and "Projet de la porteuse" in message.text
    assert applicant.password not in message.text
    assert not EmailAddress.objects.filter(verified=True).exists()


def test_a_letter_template_stored_before_the_sandbox_reads_no_hash(programme_manager):
    application = decided_application(
        outcome=Outcome.FUNDED, application={"lead": programme_manager}
    )
    LetterTemplate.objects.create(
        kind="",
        outcome=Outcome.FUNDED,
        language="fr",
        subject="Décision",
        body="{{ application.lead.password }} {{ call.applications.all }}",
    )

    text = render_letter(application.decision)

    assert application.lead.password not in text.body
    assert text.failed_template is not None and text.body.startswith("Madame, Monsieur")


def test_the_context_is_plain_values_only(applicant):
    with pytest.raises(TypeError):
        plain({"recipient": applicant})
    with pytest.raises(TypeError):
        notify(Event.APPLICATION_REOPENED, [applicant], {"application": ApplicationFactory()})
    # A dict in the context is read-only: `clear` is neither a key nor callable from a template.
    assert render("{{ d.a }}", {"d": {"a": "x"}}) == "x"
    with pytest.raises(TemplateRefused):
        compile_template("{{ d.clear }}", {"d": {"a": "x"}})


def test_the_samples_have_the_shape_of_what_the_callers_build(applicant):
    """Staff write against the samples; the callers' facts must offer the same names."""
    application = ApplicationFactory(lead=applicant)
    sample = sample_context(Event.REVIEWER_ASSIGNED)
    assert set(application_facts(application)) == set(sample["application"])
    assert set(call_facts(application.call)) == set(sample["call"])
    assignment = type("A", (), {"due_at": None, "application": application})()
    assert set(assignment_facts(assignment)) == set(sample["assignment"])
    invited = sample_context(Event.REVIEWER_INVITED)
    assert set(person_facts(applicant)) == set(invited["inviter"])
    invitation = type("I", (), {"name": "", "email": "", "message": ""})()
    assert set(invitation_facts(invitation)) == set(invited["invitation"])
    submission = type("S", (), {"number": 1, "received_at": None, "fingerprint": ""})()
    submitted = sample_context(Event.APPLICATION_SUBMITTED)
    assert set(submission_facts(submission)) == set(submitted["submission"])
    decision = decided_application(outcome=Outcome.FUNDED).decision
    from decisions.letters import letter_context

    assert set(letter_context(decision)) == set(letter_sample(Outcome.FUNDED))


# Secrets: personal links are sent, never kept readable


def test_a_password_reset_link_is_sent_but_not_kept(
    client, applicant, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": applicant.email})

    assert response.status_code == 302
    [email] = mail.outbox
    link = re.search(r"https?://\S+/password/reset/key/\S+", email.body)[0]
    message = Message.objects.get(email=applicant.email)
    for stored in (message.text, message.html, message.sealed_text, message.sealed_html):
        assert link not in stored
    assert "[lien personnel, envoyé par courriel uniquement]" in message.text
    with pytest.raises(ResendRefused):
        resend(message, None)


def test_a_reviewer_invitation_link_is_not_kept_once_sent(
    programme_manager, django_capture_on_commit_callbacks
):
    from reviews.invitations import invite_reviewer

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_reviewer(email="nouvelle@example.org", actor=programme_manager)

    [email] = mail.outbox
    assert invitation.token in email.body
    message = Message.objects.get(email="nouvelle@example.org")
    assert invitation.token not in message.text + message.html + message.url
    assert not message.sealed_text and Delivery.objects.get(message=message).state == "sent"


def test_a_personal_link_waits_sealed_while_its_email_is_pending(
    programme_manager, settings, django_capture_on_commit_callbacks
):
    """Until the e-mail leaves (the mail server down), the link is kept for it, sealed."""
    from reviews.invitations import invite_reviewer

    with django_capture_on_commit_callbacks(execute=False):
        invitation = invite_reviewer(email="plus-tard@example.org", actor=programme_manager)

    message = Message.objects.get(email="plus-tard@example.org")
    assert invitation.token in message.sealed_text and invitation.token not in message.text
    from notifications.delivery import deliver

    deliver(message.deliveries.get().pk)
    message.refresh_from_db()
    assert message.sealed_text == "" and invitation.token in mail.outbox[0].body


def test_staff_cannot_resend_a_sent_personal_link_from_the_log(
    manager_client, applicant, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": applicant.email})
    message = Message.objects.get(email=applicant.email)

    response = manager_client.post(reverse("notifications:resend", args=[message.pk]), follow=True)

    assert "lien personnel" in response.text
    assert message.deliveries.count() == 1


# Stored templates


def test_the_command_lists_the_stored_templates_the_sandbox_refuses(capsys):
    MessageTemplate.objects.create(
        event=Event.DECISION, language="fr", subject="S", text="{{ recipient.password }}"
    )
    LetterTemplate.objects.create(
        kind="", outcome=Outcome.FUNDED, language="en", subject="S", body="{{ title }}"
    )

    with pytest.raises(CommandError):
        call_command("check_staff_templates")

    out = capsys.readouterr().out
    [refused] = [line for line in out.splitlines() if "#" in line]  # the letter is accepted
    template = MessageTemplate.objects.get()
    assert refused.startswith(f"modèle de message #{template.pk} ")  # the command speaks French
    assert ", text: " in refused and "«\xa0recipient\xa0» n’est pas une variable" in refused


def test_the_command_is_quiet_when_every_template_is_accepted(capsys):
    MessageTemplate.objects.create(
        event=Event.DECISION, language="fr", subject="S", text="{{ application.title }}"
    )
    call_command("check_staff_templates")
    assert "accepted" in capsys.readouterr().out


def test_whoever_may_edit_templates_passes_a_second_factor_for_the_admin(client):
    """Not only the staff roles: a group made to edit templates opens the admin, so it asks for
    the second factor too. Signed in through the real forms, as a person is."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group, Permission

    from .factories import DEFAULT_PASSWORD, TOTP_SECRET, totp_code

    group = Group.objects.create(name="Rédaction des modèles")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "notifications"],
            codename__in=["access_admin", "change_messagetemplate", "view_messagetemplate"],
        )
    )
    author = UserFactory(email="modeles@example.org")
    author.groups.add(group)
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    credentials = {"login": author.email, "password": DEFAULT_PASSWORD}

    client.post(reverse("account_login"), credentials)  # a password only: no device yet
    assert client.get("/admin/").status_code == 403

    TOTP.activate(author, TOTP_SECRET)
    client.logout()
    asked = client.post(reverse("account_login"), credentials)
    assert asked["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get("/admin/").status_code == 200


def test_a_template_never_holds_the_personal_link_it_announces(
    programme_manager, django_capture_on_commit_callbacks
):
    """Masking the link where it is printed is not enough: a template could put it in the
    subject, spell it out letter by letter or test what it contains. It is given a stand-in."""
    from reviews.invitations import invite_reviewer

    MessageTemplate.objects.create(
        event=Event.REVIEWER_INVITED,
        language="fr",
        subject="Votre lien : {{ url }}",
        text=(
            "{% for letter in url %}{{ letter }}.{% endfor %} "
            "{% if 'invitation' in url %}contient invitation{% endif %} {{ url }}"
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_reviewer(email="lettres@example.org", actor=programme_manager)

    message = Message.objects.get(email="lettres@example.org")
    [email] = mail.outbox
    spelled = ".".join(invitation.token)
    for stored in (message.subject, message.text, message.html, email.subject):
        assert invitation.token not in stored and spelled not in stored
    assert "contient invitation" not in email.body  # the stand-in does not say what it hides
    assert invitation.token in email.body  # where the template printed {{ url }}, and there only
    assert email.body.count(invitation.token) == 1


def test_a_group_made_to_read_decisions_asks_for_the_second_factor_too(client, open_call):
    """Not the staff roles' names: the permissions that open staff and council pages."""
    from django.contrib.auth.models import Group, Permission

    readers = Group.objects.create(name="Lecture des décisions")
    readers.permissions.set(Permission.objects.filter(codename="read_decisions"))
    reader = UserFactory(email="lecteur@example.org")
    reader.groups.add(readers)
    client.force_login(reader)  # a password only: no device

    response = client.get(reverse("decisions:call", args=[open_call.slug]))

    assert response.status_code == 403
    assert "Authentification à deux facteurs requise" in response.content.decode()
