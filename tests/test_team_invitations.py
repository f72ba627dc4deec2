"""Team members join an application only by accepting the invitation sent to their address: a
team row ("leads the project" or not) gives nobody access to the dossier, its files, receipts or
letters."""

import datetime as dt
import hashlib
import html
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    ApplicationEvent,
    Attachment,
    Submission,
    TeamInvitation,
    TeamMember,
)
from applications.snapshot import build_snapshot, fingerprint
from decisions.letters import send_letter
from notifications.models import Message

from .factories import (
    ApplicationFactory,
    TeamMemberFactory,
    UserFactory,
    decided_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

FILE_BYTES = b"%PDF-1.4 lettre de soutien de l'equipe 41c8"
TITLE = "Herbiers numérisés de Montpellier"


@pytest.fixture
def lead():
    return UserFactory(email="porteuse@example.org", first_name="Louise", last_name="Porteuse")


@pytest.fixture
def colleague():
    return UserFactory(email="collegue@example.org", first_name="Jean", last_name="Collègue")


@pytest.fixture
def dossier(lead, programme_manager, django_capture_on_commit_callbacks):
    """A decided application with a file, a receipt and a letter sent."""
    application = decided_application(application={"lead": lead, "title": TITLE})
    attachment = Attachment.objects.create(
        application=application,
        question_id="q-letter",
        file=ContentFile(FILE_BYTES, name="lettre.pdf"),
        original_name="lettre.pdf",
        content_type="application/pdf",
        size=len(FILE_BYTES),
        sha256=hashlib.sha256(FILE_BYTES).hexdigest(),
    )
    content = build_snapshot(application, application.submitted_at)
    Submission.objects.create(
        application=application,
        number=1,
        received_at=application.submitted_at,
        content=content,
        fingerprint=fingerprint(content),
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_letter(application.decision, programme_manager)
    mail.outbox.clear()
    return {"application": application, "attachment": attachment, "letter": letter}


def dossier_urls(dossier):
    application = dossier["application"]
    pk = application.pk
    return {
        "page": reverse("applications:edit", args=[pk]),
        "file": reverse("applications:attachment", args=[pk, dossier["attachment"].pk]),
        "receipt": reverse("applications:receipt", args=[pk, 1]),
        "letter": reverse("decisions:letter", args=[pk, dossier["letter"].pk]),
    }


def codes(client, user, dossier):
    client.force_login(user)
    return {name: client.get(url).status_code for name, url in dossier_urls(dossier).items()}


NO_ACCESS = {"page": 404, "file": 404, "receipt": 404, "letter": 404}
ACCESS = {"page": 200, "file": 200, "receipt": 200, "letter": 200}


def invite(client, lead, application, email, django_capture_on_commit_callbacks):
    """The lead presses "Invite" beside the row; returns the link of the e-mail sent."""
    client.force_login(lead)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:invite_member", args=[application.pk]), {"email": email}
        )
    assert response.status_code == 302
    [email_sent] = mail.outbox
    return re.search(r"https?://\S+/invitation/\S+/", email_sent.body)[0]


def path_of(link):
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


# A row alone gives nothing


def test_a_row_leading_the_project_with_another_accounts_address_gives_it_no_access(
    client, lead, colleague, dossier
):
    TeamMemberFactory(
        application=dossier["application"], email=colleague.email.upper(), is_lead=True
    )

    assert codes(client, colleague, dossier) == NO_ACCESS
    client.force_login(colleague)
    assert TITLE not in client.get(reverse("applications:mine")).text


def test_the_invited_account_reads_everything_once_it_accepts(
    client, lead, colleague, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    TeamMemberFactory(application=application, name="Jean Collègue", email=colleague.email)
    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    assert codes(client, colleague, dossier) == NO_ACCESS  # invited is not joined

    client.logout()
    visitor = client.get(path_of(link))
    assert visitor.status_code == 200
    assert "Louise Porteuse" in html.unescape(visitor.text)
    assert TITLE not in html.unescape(visitor.text)  # not before signing in with the address

    client.force_login(colleague)
    page = html.unescape(client.get(path_of(link)).text)
    assert TITLE in page and "Accepter et rejoindre l’équipe" in page
    accepted = client.post(path_of(link), {"action": "accept"})

    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("applications:edit", args=[application.pk])
    assert codes(client, colleague, dossier) == ACCESS
    client.force_login(colleague)
    page = client.get(reverse("applications:edit", args=[application.pk])).text
    assert 'id="draft-form"' not in page and "team-invite" not in page  # reads, changes nothing
    assert TITLE in html.unescape(client.get(reverse("applications:mine")).text)
    event = ApplicationEvent.objects.get(application=application, action="team_member_joined")
    assert event.actor == colleague


def test_declining_or_leaving_takes_the_access_away(
    client, lead, colleague, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    TeamMemberFactory(application=application, email=colleague.email)
    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    client.force_login(colleague)
    client.post(path_of(link), {"action": "accept"})
    assert codes(client, colleague, dossier) == ACCESS

    client.post(path_of(link), {"action": "decline"})

    assert codes(client, colleague, dossier) == NO_ACCESS
    assert ApplicationEvent.objects.filter(
        application=application, action="team_member_left", actor=colleague
    ).exists()


def test_removing_the_row_takes_the_access_away(client, lead, colleague, dossier):
    from tests.factories import joined_member

    joined_member(dossier["application"], colleague)
    assert codes(client, colleague, dossier) == ACCESS

    TeamMember.objects.filter(email=colleague.email).delete()

    assert codes(client, colleague, dossier) == NO_ACCESS
    client.force_login(colleague)
    assert TITLE not in html.unescape(client.get(reverse("applications:mine")).text)


def test_the_row_replaced_by_a_saved_draft_keeps_its_invitation(
    client, lead, colleague, django_capture_on_commit_callbacks
):
    """save_draft replaces every row: the invitation, kept by address, survives it."""
    application = ApplicationFactory(lead=lead, title=TITLE)
    TeamMemberFactory(application=application, name="Jean", email=colleague.email)
    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    client.force_login(colleague)
    client.post(path_of(link), {"action": "accept"})

    # What save_draft does with the team: every row deleted, the page's rows created again.
    application.team.all().delete()
    TeamMember.objects.create(
        application=application, name="Jean", email=colleague.email.upper(), role="researcher"
    )

    assert client.get(reverse("applications:edit", args=[application.pk])).status_code == 200


# Who may accept, and until when


def test_an_account_with_another_address_cannot_accept(
    client, lead, colleague, other_applicant, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    TeamMemberFactory(application=application, email=colleague.email)
    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)

    client.force_login(other_applicant)
    page = html.unescape(client.get(path_of(link)).text)
    response = client.post(path_of(link), {"action": "accept"}, follow=True)

    assert "Cette invitation a été envoyée à collegue@example.org" in page
    assert TITLE not in page
    assert "Cette invitation a été envoyée à collegue@example.org" in html.unescape(response.text)
    assert codes(client, other_applicant, dossier) == NO_ACCESS
    assert TeamInvitation.objects.get().accepted_by is None


def test_an_expired_invitation_cannot_be_accepted(
    client, lead, colleague, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    TeamMemberFactory(application=application, email=colleague.email)
    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    TeamInvitation.objects.update(sent_at=timezone.now() - dt.timedelta(days=31))

    client.force_login(colleague)
    response = client.post(path_of(link), {"action": "accept"}, follow=True)

    assert "Cette invitation a expiré" in html.unescape(response.text)
    assert codes(client, colleague, dossier) == NO_ACCESS


def test_a_new_invitation_replaces_the_old_link(
    client, lead, colleague, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    TeamMemberFactory(application=application, email=colleague.email)
    old = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    new = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)

    client.force_login(colleague)
    refused = client.get(path_of(old))
    client.post(path_of(old), {"action": "accept"})
    assert refused.status_code == 404 and "Ce lien d’invitation n’est pas valide" in refused.text
    assert codes(client, colleague, dossier) == NO_ACCESS
    client.post(path_of(new), {"action": "accept"})
    assert codes(client, colleague, dossier) == ACCESS
    used = html.unescape(client.get(path_of(new)).text)
    assert "Vous avez rejoint l’équipe de cette candidature." in used


def test_an_accepted_invitation_cannot_be_used_by_another_account(
    client, lead, colleague, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    TeamMemberFactory(application=application, email=colleague.email)
    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    client.force_login(colleague)
    client.post(path_of(link), {"action": "accept"})

    client.logout()
    page = html.unescape(client.get(path_of(link)).text)

    # The page answers in French (the link of a French account); the message already exists.
    assert "Cette invitation a déjà été acceptée." in page
    assert 'value="accept"' not in page


# The token is sent, never kept


def test_only_a_hash_of_the_token_is_kept_and_staff_never_read_it(
    client, lead, colleague, programme_manager, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    TeamMemberFactory(application=application, email=colleague.email)
    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]

    invitation = TeamInvitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    message = Message.objects.get(email=colleague.email)
    stored = message.text + message.html + message.url + message.sealed_text + message.sealed_html
    assert token not in stored
    client.force_login(programme_manager)
    log = client.get(reverse("notifications:delivery_log") + f"?q={colleague.email}")
    assert log.status_code == 200 and token not in log.text


# The lead's page and who may invite


def test_the_lead_sees_where_each_invitation_stands(
    client, lead, colleague, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(lead=lead, title=TITLE)
    TeamMemberFactory(application=application, name="Jean", email=colleague.email)
    TeamMemberFactory(application=application, name="Anne", email="anne@example.org")
    client.force_login(lead)
    edit_url = reverse("applications:edit", args=[application.pk])  # the lead reads English
    page = client.get(edit_url).text
    assert page.count("Not invited: no access to the application") == 2
    assert page.count('form="team-invite"') == 2

    link = invite(client, lead, application, colleague.email, django_capture_on_commit_callbacks)
    page = client.get(edit_url).text
    assert "Invited on" in page and "Send the invitation again" in page
    client.force_login(colleague)
    client.post(path_of(link), {"action": "accept"})

    client.force_login(lead)
    page = html.unescape(client.get(edit_url).text)
    assert f"Accepted by {colleague} on" in page
    assert page.count("Not invited: no access to the application") == 1


def test_only_the_lead_invites_and_only_a_row_of_the_team(
    client, lead, colleague, programme_manager, dossier, django_capture_on_commit_callbacks
):
    application = dossier["application"]
    url = reverse("applications:invite_member", args=[application.pk])
    TeamMemberFactory(application=application, email=colleague.email)
    for user, email in (
        (programme_manager, colleague.email),  # staff read it, but do not invite
        (lead, "inconnu@example.org"),  # not in the team
        (lead, lead.email),  # their own address
    ):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": email})
        assert response.status_code == 302
    client.force_login(colleague)
    assert client.post(url, {"email": colleague.email}).status_code == 404
    assert not TeamInvitation.objects.exists() and not mail.outbox


def test_the_message_offers_what_its_sample_shows():
    """Staff who edit the message write against the sample: the facts sent have its names."""
    from applications.team import member_facts
    from notifications.events import Event
    from notifications.previews import sample_context

    assert set(member_facts("", "", None)) == set(
        sample_context(Event.TEAM_MEMBER_INVITED)["member"]
    )
