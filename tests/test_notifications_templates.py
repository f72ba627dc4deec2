"""Message templates: a default in files for every kind, staff's versions per language edited in
the Wagtail admin with a preview on sample data."""

import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from applications.facts import application_facts
from notifications.events import TEMPLATE_KINDS, Event
from notifications.models import MessageTemplate
from notifications.previews import sample_context
from notifications.rendering import render_files
from notifications.services import notify

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_notifications_messagetemplate:add"
PREVIEW_URL = "wagtailsnippets_notifications_messagetemplate:preview_on_add"


@pytest.mark.parametrize("kind", [kind for kind, _label in TEMPLATE_KINDS])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_kind_has_default_files_that_render_with_sample_data(kind, language):
    with translation.override(language):
        rendered = render_files(kind, sample_context(kind))

    assert rendered.subject.startswith("[CollEx-Persée] ")
    assert "\n" not in rendered.subject
    assert "CollEx-Persée" in rendered.text
    assert "{%" not in rendered.text and "{{" not in rendered.text
    assert f'<html lang="{language}">' in rendered.html


@pytest.fixture
def manager_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


def form_data(**fields):
    return {
        "event": Event.APPLICATION_REOPENED,
        "language": "en",
        "subject": "Reopened: {{ application.reference }}",
        "text": "Dear {{ recipient_name }}, reason: {{ reason }}. {{ url }}",
        "html": "",
        **fields,
    }


def test_staff_preview_a_template_with_sample_data_before_saving(manager_client):
    assert manager_client.get(reverse(ADD_URL)).status_code == 200

    check = manager_client.post(reverse(PREVIEW_URL), form_data())
    assert check.json() == {"is_valid": True, "is_available": True}
    page = manager_client.get(reverse(PREVIEW_URL))

    assert page.status_code == 200
    assert "[CollEx-Persée] Reopened: 007-00042" in page.text
    assert "Dear Alex Porteur, reason: Le budget est à préciser." in html.unescape(page.text)
    assert not MessageTemplate.objects.exists()  # nothing saved by previewing


def test_a_broken_template_is_refused_with_its_error(manager_client):
    data = form_data(text="{% if reason %}never closed")

    check = manager_client.post(reverse(PREVIEW_URL), data)
    assert check.json()["is_valid"] is False

    response = manager_client.post(reverse(ADD_URL), data)
    assert response.status_code == 200
    assert "endif" in str(response.context["form"].errors["text"])
    assert not MessageTemplate.objects.exists()


def test_applicants_cannot_edit_templates(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse(ADD_URL))
    assert response.status_code in (302, 403)


def test_staffs_version_replaces_the_file_in_its_language_only(
    applicant, other_applicant, manager_client, django_capture_on_commit_callbacks
):
    response = manager_client.post(reverse(ADD_URL), form_data())
    assert response.status_code == 302
    applicant.language = "en"
    applicant.save(update_fields=["language"])
    application = ApplicationFactory(lead=applicant)

    with django_capture_on_commit_callbacks(execute=True):
        english, french = notify(
            Event.APPLICATION_REOPENED,
            [applicant, other_applicant],
            {"application": application_facts(application), "reason": "the budget"},
            url=f"/candidatures/{application.pk}/",
        )

    assert english.subject == f"[CollEx-Persée] Reopened: {application.reference}"
    assert english.text == (
        f"Dear {applicant.get_full_name()}, reason: the budget. "
        f"http://testserver/en/applications/{application.pk}/"
    )
    # Without HTML of its own, the HTML part is the text in the site's layout.
    assert "reason: the budget." in english.html and '<html lang="en">' in english.html
    assert "Reopened" not in french.subject
    assert {email.subject for email in mail.outbox} == {english.subject, french.subject}


def test_a_version_that_fails_when_sending_falls_back_to_the_file(applicant):
    MessageTemplate.objects.create(
        event=Event.APPLICATION_REOPENED,
        language="fr",
        subject="{{ application.reference }}",
        text="{% url 'no-such-page' %}",  # saved behind the form's back: it fails to render
    )
    application = ApplicationFactory(lead=applicant)

    [message] = notify(
        Event.APPLICATION_REOPENED, [applicant], {"application": application_facts(application)}
    )

    assert application.reference in message.subject
    assert application.title in message.text  # the default file's text


def test_the_edited_html_is_escaped_where_it_should_be(applicant):
    MessageTemplate.objects.create(
        event=Event.APPLICATION_REOPENED,
        language="fr",
        subject="Rouverte",
        text="Motif : {{ reason }}",
        html="<p>Motif : <strong>{{ reason }}</strong></p>",
    )
    application = ApplicationFactory(lead=applicant)

    [message] = notify(
        Event.APPLICATION_REOPENED,
        [applicant],
        {"application": application_facts(application), "reason": "<script>x</script> & co"},
    )

    assert message.text == "Motif : <script>x</script> & co"
    assert "<strong>&lt;script&gt;x&lt;/script&gt; &amp; co</strong>" in message.html
    assert "<script>" not in message.html


def test_the_admin_menu_leads_staff_to_the_delivery_log(manager_client, client, administrator):
    log_url = reverse("notifications:delivery_log")
    assert log_url in manager_client.get("/admin/").text

    client.force_login(administrator)
    assert log_url in client.get("/admin/").text


def test_french_spacing_survives_in_the_subject(applicant):
    MessageTemplate.objects.create(
        event=Event.APPLICATION_REOPENED,
        language="fr",
        subject="Candidature «\u00a0{{ application.title }}\u00a0»\n rouverte\u00a0!",
        text="Motif\u00a0: {{ reason }}",
    )
    application = ApplicationFactory(lead=applicant, title="Photographies")

    [message] = notify(
        Event.APPLICATION_REOPENED, [applicant], {"application": application_facts(application)}
    )

    assert (
        message.subject == "[CollEx-Persée] Candidature «\u00a0Photographies\u00a0» rouverte\u00a0!"
    )


def test_an_edited_template_cannot_walk_from_the_application_to_its_reviewers(applicant):
    from reviews.models import ConsensusReport

    from .factories import AssignmentFactory, ReviewerFactory

    application = ApplicationFactory(lead=applicant, title="Projet confidentiel")
    reviewer = ReviewerFactory(first_name="Zéphyrin", last_name="Secret")
    AssignmentFactory(application=application, reviewer=reviewer)
    ConsensusReport.objects.create(application=application, rapporteur=reviewer)
    MessageTemplate.objects.create(
        event=Event.ELIGIBILITY_RESULT,
        language="fr",
        subject="{{ application.reference }}",
        text=(
            "{{ application.title }} / {{ application.call.title }} / "
            "{% for a in application.assignments.all %}{{ a.reviewer }}{% endfor %} / "
            "{{ application.consensus.rapporteur }} / {{ application.lead.email }} / "
            "{{ application.call.applications.all }}"
        ),
    )

    [message] = notify(
        Event.ELIGIBILITY_RESULT,
        [applicant],
        {"application": application_facts(application), "eligible": True},
    )

    # The sandbox refuses the walk before anything is read: the default text is sent instead.
    assert message.text.startswith("Bonjour") and "Projet confidentiel" in message.text
    assert "Zéphyrin" not in message.text and reviewer.email not in message.text
    assert applicant.email not in message.text and "QuerySet" not in message.text
