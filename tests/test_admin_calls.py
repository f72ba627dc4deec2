"""A programme manager creates a complete call in the Wagtail admin, publishes, unpublishes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from calls.models import Call, CallKind, CallPhase

from .factories import ProgrammeFactory

ADD_URL = "wagtailsnippets_calls_call:add"


def question(**value):
    return {"label_en": "", "help_text": "", "required": "on", **value}


def complete_call_form(programme, slug="numerisation-2027", **extra):
    return nested_form_data(
        {
            "title_fr": "AAP Numérisation enrichie 2027",
            "title_en": "Enriched digitisation call 2027",
            "slug": slug,
            "kind": CallKind.PROJECTS,
            "programme": programme.pk,
            "summary_fr": "Financer la numérisation enrichie de corpus.",
            "summary_en": "Funding the enriched digitisation of corpora.",
            "description": rich_text("<p>Le texte de l'appel.</p>"),
            "eligibility": rich_text("<p>Établissements membres et associés.</p>"),
            "contact_email": "aap@example.org",
            # Typed in Paris time: noon on the day summer time starts is 10:00 UTC.
            "opens_at": "2027-02-01 09:00",
            "closes_at": "2027-03-28 12:00",
            "envelope": "400000.00",
            "max_amount": "60000.00",
            "requires_co_construction": "on",
            "attachments_max_total_mb": "30",
            "questions": streamfield(
                [
                    ("section", {"title": "Le projet", "title_en": "", "intro": ""}),
                    ("text", question(label="Acronyme du projet", max_length="30")),
                    ("long_text", question(label="Résumé", max_words="300")),
                    (
                        "choice",
                        question(
                            label="Type de corpus",
                            multiple="",
                            choices=streamfield([("item", "Imprimés"), ("item", "Archives")]),
                        ),
                    ),
                    ("number", question(label="Nombre de pages", min_value="1", max_value="")),
                    ("date", question(label="Date de début")),
                    (
                        "file",
                        question(label="Lettre de soutien", accepted_types="pdf", max_size_mb="10"),
                    ),
                ]
            ),
            "faq": streamfield([]),
            "criteria": inline_formset(
                [
                    {
                        "name_fr": "Qualité scientifique",
                        "name_en": "Scientific quality",
                        "description": "",
                        "weight": "2",
                        "scale_min": "0",
                        "scale_max": "5",
                        "threshold": "2.5",
                    },
                    {
                        "name_fr": "Co-construction",
                        "name_en": "Co-construction",
                        "description": "",
                        "weight": "1",
                        "scale_min": "0",
                        "scale_max": "5",
                    },
                ]
            ),
            "documents": inline_formset([]),
            # What its funded projects owe: a data management plan six months after the start,
            # with its own question, and a dataset declared before closure.
            "report_requirements": inline_formset(
                [
                    {
                        "kind": "dmp",
                        "title_fr": "Plan de gestion des données",
                        "title_en": "Data management plan",
                        "due_months": "6",
                        "due_from": "start",
                        "questions": streamfield(
                            [("long_text", question(label="Données produites", max_words="500"))]
                        ),
                    }
                ]
            ),
            "required_deliverables": inline_formset([{"kind": "dataset"}]),
            # Review settings, with a checklist and a threshold on the first criterion.
            "eligibility_checks": inline_formset(
                [{"label_fr": "Établissement membre du réseau", "label_en": "Member institution"}]
            ),
            "max_excluded_reviewers": "3",
            "reviewers_per_application": "3",
            "half_points": "on",
            "total_threshold": "10",
            "reviewers_see_other_reviews": "on",
            "disagreement_gap": "4",
            "tie_break": "lower_request",
            "reply_opens_at": "2027-05-03 09:00",
            "reply_closes_at": "2027-05-10 12:00",
            "reply_max_chars": "3000",
            **extra,
        }
    )


@pytest.fixture
def manager_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


@pytest.mark.django_db
def test_manager_creates_and_publishes_a_complete_call(manager_client):
    programme = ProgrammeFactory(code="digitisation")
    assert manager_client.get(reverse(ADD_URL)).status_code == 200

    data = complete_call_form(programme, **{"action-publish": "action-publish"})
    response = manager_client.post(reverse(ADD_URL), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    call = Call.objects.get(slug="numerisation-2027")
    assert call.live
    assert call.closes_at == dt.datetime(2027, 3, 28, 10, 0, tzinfo=dt.UTC)
    assert call.envelope == Decimal("400000.00")
    assert call.requires_co_construction
    # Review settings, typed in Paris time like the call's dates.
    assert call.reviewers_per_application == 3 and call.half_points
    assert call.total_threshold == Decimal("10") and call.tie_break == "lower_request"
    assert call.reply_opens_at == dt.datetime(2027, 5, 3, 7, 0, tzinfo=dt.UTC)
    assert [check.label for check in call.eligibility_checks.all()] == [
        "Établissement membre du réseau"
    ]
    assert call.criteria.first().threshold == Decimal("2.5")
    assert [c.name_fr for c in call.criteria.all()] == ["Qualité scientifique", "Co-construction"]
    assert [block.block_type for block in call.questions] == [
        "section",
        "text",
        "long_text",
        "choice",
        "number",
        "date",
        "file",
    ]
    assert list(call.questions[3].value["choices"]) == ["Imprimés", "Archives"]
    assert call.questions[2].value["max_words"] == 300
    assert call.phase_at(dt.datetime(2027, 3, 1, tzinfo=dt.UTC)) == CallPhase.OPEN
    (dmp,) = call.report_requirements.all()
    assert (dmp.kind, dmp.due_months, dmp.due_from) == ("dmp", 6, "start")
    assert [block.value["label"] for block in dmp.questions] == ["Données produites"]
    assert [row.kind for row in call.required_deliverables.all()] == ["dataset"]

    public = manager_client.get(call.get_absolute_url())
    assert public.status_code == 200
    assert "AAP Numérisation enrichie 2027" in public.text
    assert "Qualité scientifique" in public.text


@pytest.mark.django_db
def test_a_saved_draft_is_not_public_until_published(manager_client, client):
    programme = ProgrammeFactory(code="archives")
    data = complete_call_form(programme, slug="brouillon")
    assert manager_client.post(reverse(ADD_URL), data).status_code == 302
    call = Call.objects.get(slug="brouillon")
    assert not call.live

    client.logout()
    assert client.get(call.get_absolute_url()).status_code == 404
    assert "brouillon" not in client.get(reverse("calls:list")).text


@pytest.mark.django_db
def test_unpublishing_hides_the_call(manager_client):
    programme = ProgrammeFactory(code="acquisitions")
    data = complete_call_form(programme, slug="a-retirer", **{"action-publish": "action-publish"})
    manager_client.post(reverse(ADD_URL), data)
    call = Call.objects.get(slug="a-retirer")
    assert manager_client.get(call.get_absolute_url()).status_code == 200

    url = reverse("wagtailsnippets_calls_call:unpublish", args=[call.pk])
    assert manager_client.post(url).status_code == 302

    call.refresh_from_db()
    assert not call.live
    assert manager_client.get(call.get_absolute_url()).status_code == 404
    assert "a-retirer" not in manager_client.get(reverse("calls:list")).text


@pytest.mark.django_db
def test_the_admin_refuses_a_call_that_closes_before_it_opens(manager_client):
    programme = ProgrammeFactory(code="cartography")
    data = complete_call_form(programme, slug="a-l-envers")
    data["closes_at"] = "2027-01-01 12:00"
    response = manager_client.post(reverse(ADD_URL), data)
    assert response.status_code == 200
    assert not Call.objects.filter(slug="a-l-envers").exists()
    assert "close after it opens" in response.text or "après son ouverture" in response.text


@pytest.mark.django_db
def test_people_without_the_role_cannot_create_calls(client, applicant, reviewer):
    for user in (applicant, reviewer):
        client.force_login(user)
        response = client.get(reverse(ADD_URL))
        assert response.status_code in (302, 403)
        assert not Call.objects.exists()
    client.logout()
    response = client.get(reverse(ADD_URL))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("envelope", "maximum"), [("50000.00", "60000.00"), ("0", "15000.00")])
def test_the_admin_refuses_a_maximum_above_the_envelope(manager_client, envelope, maximum):
    """A call with no envelope funds nothing, so it cannot promise a maximum either."""
    programme = ProgrammeFactory(code="archives")
    data = complete_call_form(programme, slug="trop-cher")
    data.update(envelope=envelope, max_amount=maximum)
    response = manager_client.post(reverse(ADD_URL), data)
    assert response.status_code == 200
    assert not Call.objects.filter(slug="trop-cher").exists()
    assert "ne peut pas dépasser l’enveloppe" in response.text


@pytest.mark.django_db
def test_amounts_and_weights_are_typed_as_people_write_them(manager_client):
    """Editors in French type "400 000" and "1,5": the admin reads them, whatever the browser."""
    programme = ProgrammeFactory(code="digitisation")
    data = complete_call_form(programme, envelope="400 000", max_amount="60\u202f000,50")
    data["criteria-0-weight"] = "1,5"

    response = manager_client.post(reverse(ADD_URL), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    call = Call.objects.get(slug="numerisation-2027")
    assert (call.envelope, call.max_amount) == (Decimal("400000"), Decimal("60000.50"))
    assert call.criteria.first().weight == Decimal("1.5")
