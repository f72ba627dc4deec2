"""What a visitor sees: the call page, the programme pages, the home page and editorial pages.

Interface strings are checked on English pages (English is the source text, the French catalogue
translates it); French pages are checked for content, dates and amounts.
"""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.documents.models import Document

from calls.models import CallDocument
from cms.models import HomePage, StandardPage

from .factories import CallCriterionFactory, CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def url(language, view_or_object, **kwargs):
    with translation.override(language):
        if isinstance(view_or_object, str):
            return reverse(view_or_object, kwargs=kwargs)
        return view_or_object.get_absolute_url()


def page(client, call, language="fr"):
    response = client.get(url(language, call))
    assert response.status_code == 200
    return response.content.decode()


def test_the_call_page_shows_summary_eligibility_and_one_h1(client):
    call = CallFactory(
        title_fr="Numériser les fonds d'archives scientifiques",
        summary_fr="Un appel pour les archives de la recherche.",
        eligibility="<p>Ouvert aux établissements membres du réseau.</p>",
    )

    content = page(client, call)

    assert content.count("<h1") == 1
    assert "Numériser les fonds d&#x27;archives scientifiques" in content
    assert "Un appel pour les archives de la recherche." in content
    assert "Ouvert aux établissements membres du réseau." in content


def test_the_call_page_explains_co_construction_when_required(client):
    required = CallFactory(requires_co_construction=True)
    not_required = CallFactory(requires_co_construction=False)

    explanation = "at least one researcher and at least one documentation professional"
    assert explanation in page(client, required, "en")
    assert explanation not in page(client, not_required, "en")


def test_the_call_page_shows_criteria_with_weights_and_shares(client):
    call = CallFactory()
    CallCriterionFactory(call=call, name_en="Scientific quality", weight=Decimal("3"))
    CallCriterionFactory(call=call, name_en="Feasibility", weight=Decimal("1"), description="Means")

    content = page(client, call, "en")

    assert '<th scope="col">Criterion</th>' in content
    assert '<th scope="col" class="text-end">Weight</th>' in content
    assert "Scientific quality" in content
    assert "Feasibility" in content
    assert "Means" in content
    assert "75&nbsp;%" in content
    assert "25&nbsp;%" in content
    assert "0–5" in content


def test_the_call_page_shows_envelope_and_maximum_in_euros(client):
    call = CallFactory(envelope=Decimal("400000"), max_amount=Decimal("60000"))

    french = page(client, call)
    english = page(client, call, "en")

    assert "400\xa0000\xa0€" in french
    assert "60\xa0000\xa0€" in french
    assert "€400,000" in english
    assert "€60,000" in english


def test_a_call_without_envelope_says_it_funds_nothing(client):
    call = CallFactory(envelope=Decimal("0"), max_amount=Decimal("0"))

    content = page(client, call, "en")

    assert "This call does not fund projects" in content
    assert "€0" not in content


def test_the_call_page_lists_documents_to_download(client):
    call = CallFactory()
    document = Document(title="Texte de l'appel")
    document.file.save("texte-appel.pdf", ContentFile(b"%PDF-1.4 " + b"x" * 2048), save=False)
    document.save()
    CallDocument.objects.create(call=call, document=document, label="Texte de l'appel 2027")

    content = page(client, call)

    assert f'href="{document.url}"' in content
    assert "Texte de l&#x27;appel 2027" in content
    assert "(PDF, 2,0\xa0Kio)" in content  # extension and size, in French


def test_the_call_page_shows_the_faq(client):
    call = CallFactory(
        faq=[
            (
                "item",
                {"question": "Qui peut candidater ?", "answer": "<p>Les établissements.</p>"},
            )
        ]
    )

    content = page(client, call)

    assert "<summary>Qui peut candidater ?</summary>" in content
    assert "Les établissements." in content


def test_the_deadline_is_shown_in_paris_time(client):
    call = CallFactory(
        opens_at=dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC),
        closes_at=dt.datetime(2027, 1, 15, 11, 0, tzinfo=dt.UTC),
    )

    french = page(client, call)
    english = page(client, call, "en")

    assert "15 janvier 2027" in french
    assert "12:00" in french  # 11:00 UTC is noon in Paris in winter
    assert "11:00" not in french
    assert "10:00" in french  # 8:00 UTC is 10:00 in Paris in summer
    assert 'datetime="2027-01-15T12:00:00+01:00"' in french
    assert "Jan. 15, 2027 at 12:00" in english
    assert "Paris time" in english


def test_the_apply_button_is_a_link_to_log_in_while_the_call_is_open(client):
    call = CallFactory(closes_at=timezone.now() + dt.timedelta(days=5, hours=2))

    content = page(client, call, "en")

    login = url("en", "account_login")
    assert f'href="{login}?next={quote(url("en", call), safe="")}"' in content
    assert "disabled" not in content
    assert "Closes in 5 days." in content


def test_a_signed_in_applicant_applies_with_a_form_rather_than_sent_in_a_loop(client, applicant):
    call = CallFactory(contact_email="aap@example.org")
    client.force_login(applicant)

    content = page(client, call, "en")

    assert (
        f'<form method="post" action="{url("en", "applications:start", slug=call.slug)}"' in content
    )
    assert '<button type="submit" class="btn btn-primary btn-lg">Apply' in content
    assert "not available yet" not in content
    assert url("en", "account_login") + "?next=" not in content


def test_the_apply_button_is_disabled_before_opening(client):
    call = CallFactory(upcoming=True)

    content = page(client, call, "en")

    assert '<button type="button" class="btn btn-primary btn-lg" disabled' in content
    assert "Applications open on" in content
    assert url("en", "account_login") + "?next=" not in content


def test_the_apply_button_is_disabled_after_closing(client):
    call = CallFactory(closed=True)

    content = page(client, call, "en")

    assert '<button type="button" class="btn btn-primary btn-lg" disabled' in content
    assert "This call closed on" in content
    assert url("en", "account_login") + "?next=" not in content


def test_the_english_page_shows_the_english_title(client):
    call = CallFactory(title_fr="Résidence de chercheurs", title_en="Researcher residency 2027")

    content = page(client, call, "en")

    assert '<html lang="en">' in content
    assert "Researcher residency 2027" in content
    assert "Résidence de chercheurs" not in content


@pytest.mark.parametrize(("criteria", "documents"), [(1, 0), (8, 5)])
def test_the_call_page_makes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, criteria, documents
):
    call = CallFactory()
    for _ in range(criteria):
        CallCriterionFactory(call=call)
    for number in range(documents):
        document = Document(title=f"Modèle {number}")
        document.file.save(f"modele-{number}.odt", ContentFile(b"odt"), save=False)
        document.save()
        CallDocument.objects.create(call=call, document=document)
    client.get(call.get_absolute_url())  # the site settings are created on the first visit

    with django_assert_max_num_queries(6):
        response = client.get(call.get_absolute_url())
    assert response.content.decode().count("Modèle ") == documents


def test_the_preview_template_renders_an_unsaved_call(rf):
    call = CallFactory.build(slug="apercu", title_fr="Aperçu d'un appel")
    request = rf.get("/")
    request.user = AnonymousUser()

    response = call.serve_preview(request, call.default_preview_mode)

    assert "Aperçu d&#x27;un appel" in response.rendered_content


def test_the_programme_list_links_to_each_programme_in_order(client):
    first = ProgrammeFactory(code="z-signalement", title_en="Labelling and mapping", position=1)
    second = ProgrammeFactory(code="a-archives", title_en="Scientific archives", position=2)
    CallFactory(programme=first)

    content = client.get(url("en", "calls:programmes")).content.decode()

    assert content.index("Labelling and mapping") < content.index("Scientific archives")
    assert url("en", "calls:programme", code=first.code) in content
    assert url("en", "calls:programme", code=second.code) in content
    assert "1 open call" in content


def test_the_programme_page_shows_its_calls_by_phase(client):
    programme = ProgrammeFactory(title_en="Enriched digitisation", summary_en="A service.")
    CallFactory(programme=programme, title_en="An open call of the programme")
    CallFactory(programme=programme, closed=True, title_en="A closed call of the programme")
    CallFactory(title_en="A call of another programme")
    CallFactory(programme=programme, draft=True, title_en="A draft of the programme")

    response = client.get(url("en", "calls:programme", code=programme.code))

    content = response.content.decode()
    assert "<h1>Enriched digitisation</h1>" in content
    assert "A service." in content
    assert "Open calls" in content
    assert "Closed calls" in content
    assert "Upcoming calls" not in content
    assert "An open call of the programme" in content
    assert "A closed call of the programme" in content
    assert "A call of another programme" not in content
    assert "A draft of the programme" not in content


def test_an_unknown_programme_is_not_found(client):
    assert client.get(url("fr", "calls:programme", code="nope")).status_code == 404


def test_the_home_page_lists_open_and_upcoming_calls_and_the_programmes(client):
    programme = ProgrammeFactory(title_fr="Acquisition de publications")
    open_call = CallFactory(title_fr="Appel ouvert en vitrine", programme=programme)
    CallFactory(upcoming=True, title_fr="Appel bientôt ouvert")
    CallFactory(closed=True, title_fr="Appel fermé depuis hier")
    CallFactory(draft=True, title_fr="Appel en brouillon")

    response = client.get("/")

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert "Appel ouvert en vitrine" in content
    assert open_call.get_absolute_url() in content
    assert "Appel bientôt ouvert" in content
    assert "Appel fermé depuis hier" not in content
    assert "Appel en brouillon" not in content
    assert "Acquisition de publications" in content
    assert url("fr", "calls:programme", code=programme.code) in content
    assert url("fr", "calls:list") in content


def test_the_english_home_page(client):
    CallFactory(title_en="An open call in English")

    content = client.get("/en/").content.decode()

    assert '<html lang="en">' in content
    assert "Single window for calls" in content
    assert "Open calls" in content
    assert "An open call in English" in content


def test_a_standard_page_shows_its_headings_and_documents(client):
    document = Document(title="Feuille de route 2023-2028")
    document.file.save("feuille-de-route.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    about = StandardPage(
        title="À propos",
        title_en="About",
        slug="a-propos",
        body=[
            ("heading", {"text": "Nos missions", "level": "h2"}),
            ("paragraph", "<p>Le réseau soutient la recherche.</p>"),
            ("document", document),
        ],
    )
    HomePage.objects.get().add_child(instance=about)

    content = client.get("/a-propos/").content.decode()

    assert content.count("<h1") == 1
    assert "<h2>Nos missions</h2>" in content
    assert "Le réseau soutient la recherche." in content
    assert f'href="{document.url}"' in content
    assert "(PDF" in content


def test_a_missing_or_draft_call_gets_a_helpful_page_in_the_site_layout(client):
    draft = CallFactory(draft=True)

    response = client.get(url("fr", draft))
    english = client.get(url("en", draft))

    assert response.status_code == english.status_code == 404
    assert '<html lang="fr">' in response.text
    assert "Page introuvable" in response.text
    assert f'href="{url("fr", "calls:list")}"' in response.text
    assert "Page not found" in english.text
    assert draft.title_fr not in response.text


def test_every_page_names_the_site_icon_and_it_is_served(client):
    """Tabs and bookmarks show the network's icon, not the browser's blank page."""
    content = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', content)
    assert icon, "the page names no icon"

    response = client.get(icon.group(1))

    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
