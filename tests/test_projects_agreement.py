"""A funded project's agreement (issue 17): the template staff edit (refused when it names what
the sandbox does not offer), the versions rendered in the carrier's language as a PDF read back,
never changed once made, the two signatures with their signed copies (a PDF, checked by
content) that move the project and set its dates, the section of the project page per persona,
its downloads, and its query count."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone, translation

from applications.audit import trail
from applications.models import AuditSubject
from decisions.letters import send_letter
from projects import payments, services
from projects.agreements import AgreementError, prepare_version, record_signature
from projects.models import (
    AgreementTemplate,
    AgreementVersion,
    Condition,
    Party,
    Project,
    ProjectState,
)
from projects.models.agreements import FrozenVersion

from .factories import CallFactory, InstitutionFactory, decided_application, joined_member
from .reading import visible_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
QUERIES = 19
TEMPLATE_ADD = "wagtailsnippets_projects_agreementtemplate:add"


def minimal_pdf(text="Convention signée"):
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def funded_project(staff, *, language="fr", amount=Decimal("12500.00"), **call):
    application = decided_application(
        CallFactory(closed=True, **call),
        amount=amount,
        application={"title": "Corpus des thèses"},
    )
    send_letter(application.decision, staff)
    project = Project.objects.get(decision=application.decision)
    carrier = InstitutionFactory(
        name="Université de Strasbourg", acronym="Unistra", city="Strasbourg", language=language
    )
    services.set_carrier(
        project,
        staff,
        carrier=carrier,
        finance_contact_name="Paul Compta",
        finance_contact_email="compta@example.org",
    )
    payments.set_schedule(
        project,
        [
            {
                "instalment": None,
                "label": "À la signature",
                "share": Decimal("70"),
                "amount": None,
                "planned_on": dt.date(2026, 4, 1),
                "condition": Condition.AGREEMENT_SIGNED,
            },
            {
                "instalment": None,
                "label": "Rapport final",
                "share": Decimal("30"),
                "amount": None,
                "planned_on": dt.date(2028, 4, 30),
                "condition": Condition.REPORT_ACCEPTED,
            },
        ],
        staff,
    )
    return Project.objects.get(pk=project.pk)


@pytest.fixture
def project(programme_manager):
    return funded_project(
        programme_manager, project_duration_months=24, duration_from_signature=True
    )


def pdf_text(version):
    with version.pdf.open("rb") as handle:
        data = handle.read()
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def sign(version, staff, party, on=TODAY, name="Marie Signataire", content=None):
    return record_signature(
        version,
        staff,
        party=party,
        signer_name=name,
        signer_role="Présidente",
        signed_on=on,
        signed_copy=SimpleUploadedFile("signee.pdf", content or minimal_pdf()),
    )


# Versions


def test_the_default_agreement_in_french_names_the_parties_money_and_schedule(
    project, programme_manager
):
    version = prepare_version(project, programme_manager, reason="Première version")

    assert (version.number, version.language) == (1, "fr")
    reference = project.application.reference
    assert version.title == f"Convention attributive d’aide – projet {reference}"
    text = pdf_text(version)
    assert project.application.reference in text
    assert "Université de Strasbourg (Unistra), Strasbourg" in text
    assert "12 500,00 €" in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "24 mois à compter de la date de signature" in text
    flat = text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "1. À la signature : 8 750,00 € (70 %), versement prévu le 1 avril 2026" in flat
    assert "2. Rapport final : 3 750,00 € (30 %)" in flat
    assert version.figures["amount"] == "12500.00"
    assert version.figures["schedule"][0]["planned_on"] == "2026-04-01"
    assert len(version.sha256) == 64
    [row] = [
        row for row in trail(project.application, AuditSubject.PROJECT) if "préparée" in row.action
    ]
    assert "Version 1 : Première version" in row.reason.replace("\u00a0", " ")


def test_an_english_carrier_gets_the_english_agreement(programme_manager):
    project = funded_project(programme_manager, language="en", project_duration_months=18)
    version = prepare_version(project, programme_manager)

    text = pdf_text(version)
    assert version.language == "en"
    assert "Grant agreement – project" in text
    assert "€12,500.00" in text
    assert "18 months from the date on which the second of the two parties signs" in text
    assert "1. À la signature: €8,750.00 (70%), planned on 1 April 2026" in text


def test_an_edited_template_for_the_kind_is_rendered_in_the_carriers_language(
    project, programme_manager
):
    AgreementTemplate.objects.create(
        kind="",
        language="fr",
        title="Convention {{ reference }}",
        body="Entre {{ network_name }} et {{ carrier.name }} : {{ amount }}.\n"
        "{% for instalment in schedule %}- {{ instalment.label }} {{ instalment.amount }}\n"
        "{% endfor %}",
    )
    AgreementTemplate.objects.create(
        kind="", language="en", title="Agreement {{ reference }}", body="English {{ amount }}"
    )
    version = prepare_version(project, programme_manager)

    assert version.title == f"Convention {project.application.reference}"
    assert "et Université de Strasbourg" in version.body
    assert "- Rapport final 3" in version.body
    assert "Rapport final" in pdf_text(version)


def test_versions_are_numbered_and_never_change(project, programme_manager):
    first = prepare_version(project, programme_manager)
    second = prepare_version(project, programme_manager, reason="Échéancier corrigé")

    assert (first.number, second.number) == (1, 2)
    first.body = "Autre texte"
    with pytest.raises(FrozenVersion):
        first.save()
    first.refresh_from_db()
    assert "Autre texte" not in first.body


def test_a_version_is_refused_without_a_carrier(programme_manager):
    application = decided_application(CallFactory(closed=True, project_duration_months=24))
    send_letter(application.decision, programme_manager)
    project = Project.objects.get(decision=application.decision)

    with pytest.raises(AgreementError, match="porteur administratif"):
        prepare_version(project, programme_manager)
    assert not AgreementVersion.objects.exists()


def test_only_staff_prepare_a_version(project):
    with pytest.raises(AgreementError):
        prepare_version(project, project.application.lead)
    assert not AgreementVersion.objects.exists()


def test_the_template_is_the_carriers_language_even_when_the_lead_writes_in_another(
    project, programme_manager
):
    lead = project.application.lead
    lead.language = "en"
    lead.save(update_fields=["language"])
    assert prepare_version(project, programme_manager).language == "fr"


def test_the_lead_and_staff_are_told_a_version_is_ready(project, programme_manager):
    from notifications.models import Message

    prepare_version(project, programme_manager)
    assert Message.objects.filter(user=project.application.lead).exists()


# Signatures


def test_both_signatures_move_the_project_and_start_it_from_the_later_one(
    project, programme_manager
):
    version = prepare_version(project, programme_manager)
    sign(version, programme_manager, Party.CARRIER, on=TODAY - dt.timedelta(days=0))
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_PREPARATION
    sign(version, programme_manager, Party.NETWORK, on=TODAY, name="Jean Réseau")

    project.refresh_from_db()
    version.refresh_from_db()
    assert version.is_signed
    assert project.state == ProjectState.AGREEMENT_SIGNED
    assert project.signed_on == TODAY == project.start_date
    assert project.duration_months == 24
    end = project.end_date
    assert end == dt.date(TODAY.year + 2, TODAY.month, TODAY.day) - dt.timedelta(days=1)
    from notifications.events import Event
    from notifications.models import Message

    told = Message.objects.filter(user=project.application.lead, event=Event.AGREEMENT_SIGNED)
    assert told.count() == 1


def test_a_planned_start_is_kept_when_the_call_does_not_run_from_the_signature(
    programme_manager,
):
    project = funded_project(programme_manager)
    project.start_date = TODAY + dt.timedelta(days=30)
    project.duration_months = 12
    project.save(update_fields=["start_date", "duration_months"])
    version = prepare_version(project, programme_manager)
    assert "12 mois, du" in version.body
    sign(version, programme_manager, Party.CARRIER)
    sign(version, programme_manager, Party.NETWORK)

    project.refresh_from_db()
    assert (project.signed_on, project.start_date) == (TODAY, TODAY + dt.timedelta(days=30))
    assert project.duration_months == 12


def test_a_planned_start_passed_before_the_last_signature_moves_to_it_and_says_so(
    programme_manager,
):
    project = funded_project(programme_manager)
    project.start_date = TODAY - dt.timedelta(days=10)
    project.duration_months = 12
    project.save(update_fields=["start_date", "duration_months"])
    version = prepare_version(project, programme_manager)
    sign(version, programme_manager, Party.CARRIER)
    sign(version, programme_manager, Party.NETWORK)

    project.refresh_from_db()
    assert project.start_date == TODAY
    reasons = [row.reason for row in trail(project.application, AuditSubject.PROJECT)]
    with translation.override("fr"):
        planned = formats.date_format(TODAY - dt.timedelta(days=10), "DATE_FORMAT")
        start = formats.date_format(TODAY, "DATE_FORMAT")
    assert (
        f"Le début prévu, le {planned}, précédait la dernière signature\u00a0: le projet "
        f"commence le {start}."
    ) in reasons


def test_a_signed_version_never_changes_and_a_new_one_follows_it(project, programme_manager):
    first = prepare_version(project, programme_manager)
    sign(first, programme_manager, Party.CARRIER)
    sign(first, programme_manager, Party.NETWORK)
    first.refresh_from_db()
    with first.pdf.open("rb") as handle:
        pdf_before = handle.read()
    body_before = first.body

    first.reason = "Changé après coup"
    with pytest.raises(FrozenVersion):
        first.save()
    second = prepare_version(project, programme_manager, reason="Avenant")

    first.refresh_from_db()
    with first.pdf.open("rb") as handle:
        assert handle.read() == pdf_before
    assert (first.body, first.reason) == (body_before, "")
    assert second.number == 2 and not second.is_signed
    sign(second, programme_manager, Party.CARRIER)
    sign(second, programme_manager, Party.NETWORK)
    second.refresh_from_db()
    assert second.is_signed
    assert Project.objects.get(pk=project.pk).state == ProjectState.AGREEMENT_SIGNED


def test_a_version_with_one_signature_is_not_replaced(project, programme_manager):
    version = prepare_version(project, programme_manager)
    sign(version, programme_manager, Party.CARRIER)

    with pytest.raises(AgreementError, match="porte déjà la signature"):
        prepare_version(project, programme_manager)
    assert AgreementVersion.objects.count() == 1


def test_a_signature_is_refused_when_it_is_not_a_pdf_twice_or_in_the_future(
    project, programme_manager
):
    version = prepare_version(project, programme_manager)
    with pytest.raises(AgreementError) as refused:
        sign(version, programme_manager, Party.CARRIER, content=b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    assert "n’est pas un PDF" in " ".join(refused.value.problems["signed_copy"])
    with pytest.raises(AgreementError) as refused:
        sign(version, programme_manager, Party.CARRIER, on=TODAY + dt.timedelta(days=1))
    assert "signed_on" in refused.value.problems
    with pytest.raises(AgreementError) as refused:
        sign(version, programme_manager, Party.CARRIER, on=TODAY - dt.timedelta(days=3))
    assert "ne peut pas être signée avant" in refused.value.problems["signed_on"][0]
    sign(version, programme_manager, Party.CARRIER)
    with pytest.raises(AgreementError) as refused:
        sign(version, programme_manager, Party.CARRIER)
    assert "party" in refused.value.problems
    assert version.signatures.count() == 1


def test_only_the_latest_version_is_signed(project, programme_manager):
    first = prepare_version(project, programme_manager)
    prepare_version(project, programme_manager)
    with pytest.raises(AgreementError, match="dernière version"):
        sign(first, programme_manager, Party.CARRIER)


# The template, in the admin


@pytest.fixture
def manager_client(client, programme_manager):
    client.force_login(programme_manager)
    return client


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("{{ carrier.password }}", "«\u00a0carrier\u00a0» n’a pas de «\u00a0password\u00a0»"),
        ("{{ lead_name.upper }}", "est une valeur"),
        ("{{ project.decision }}", "«\u00a0project\u00a0» n’est pas une variable"),
        ("{% load static %}", "{% load %}"),
    ],
)
def test_a_template_naming_what_is_not_offered_is_refused(manager_client, body, said):
    response = manager_client.post(
        reverse(TEMPLATE_ADD), {"kind": "", "language": "fr", "title": "Convention", "body": body}
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["body"])
    assert said in errors
    assert not AgreementTemplate.objects.exists()


def test_a_good_template_is_saved_and_previewed_with_sample_values(manager_client):
    form = {
        "kind": "projects",
        "language": "fr",
        "title": "Convention {{ reference }}",
        "body": "{% for instalment in schedule %}{{ instalment.label }} {{ instalment.amount }}\n"
        "{% endfor %}{% if from_signature %}{{ duration_months }} mois{% endif %}",
    }
    preview = manager_client.post(
        reverse("wagtailsnippets_projects_agreementtemplate:preview_on_add"), form
    )
    assert preview.json()["is_valid"] is True
    shown = manager_client.get(reverse("wagtailsnippets_projects_agreementtemplate:preview_on_add"))
    assert "Sur le rapport final 3\u00a0750,00\u00a0€" in shown.content.decode()
    assert "24 mois" in shown.content.decode()
    response = manager_client.post(reverse(TEMPLATE_ADD), form)
    assert response.status_code == 302
    assert AgreementTemplate.objects.get().kind == "projects"


def test_the_command_lists_a_stored_agreement_template_that_is_refused(capsys):
    from django.core.management import CommandError, call_command

    AgreementTemplate.objects.create(kind="", language="fr", title="C", body="{{ project.pk }}")
    with pytest.raises(CommandError):
        call_command("check_staff_templates")
    assert "modèle de convention #" in capsys.readouterr().out


# The page


def page_of(project):
    return reverse("projects:project", args=[project.pk])


def signature_form(version, party, *, on=TODAY, content=None, name="signee.pdf"):
    return {
        "signature-version": version.number,
        "signature-party": party,
        "signature-signer_name": "Marie Signataire",
        "signature-signer_role": "Présidente",
        "signature-signed_on": on.isoformat(),
        "signature-signed_copy": SimpleUploadedFile(name, content or minimal_pdf()),
    }


def test_staff_prepare_and_record_both_signatures_in_the_page(client, programme_manager):
    project = funded_project(programme_manager)  # the call sets no duration
    client.force_login(programme_manager)
    refused = client.post(
        reverse("projects:prepare_agreement", args=[project.pk]),
        {"agreement-reason": "", "agreement-start_date": "", "agreement-duration_months": ""},
    )
    assert refused.status_code == 400
    assert "Indiquez la durée du projet." in visible_text(refused)
    assert 'id="id_agreement-duration_months"' in refused.content.decode()

    start = TODAY + dt.timedelta(days=10)
    response = client.post(
        reverse("projects:prepare_agreement", args=[project.pk]),
        {
            "agreement-reason": "Première version",
            "agreement-start_date": start.isoformat(),
            "agreement-duration_months": "24",
        },
        follow=True,
    )
    text = visible_text(response)
    assert "La version 1 de la convention est prête." in text
    assert "Version 1 Pas encore signée" in text and "Première version" in text
    version = project.agreement_versions.get()
    for party in (Party.CARRIER, Party.NETWORK):
        response = client.post(
            reverse("projects:record_signature", args=[project.pk]),
            signature_form(version, party),
            follow=True,
        )
        assert "La signature est enregistrée." in visible_text(response)
    text = visible_text(response)
    assert "Signée par les deux parties" in text
    assert "Porteur administratif : Marie Signataire (Présidente), signée le" in text
    project.refresh_from_db()
    assert project.state == ProjectState.AGREEMENT_SIGNED
    assert project.start_date == start
    assert f"Date de fin {project.end_date.day}" in text


def test_a_signed_copy_that_is_not_a_pdf_is_refused_beside_the_field(
    client, project, programme_manager
):
    version = prepare_version(project, programme_manager)
    client.force_login(programme_manager)
    response = client.post(
        reverse("projects:record_signature", args=[project.pk]),
        signature_form(version, Party.CARRIER, content=b"GIF89a" + b"0" * 64, name="scan.pdf"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('id="id_signature-signed_copy"') - 300 :]
    assert 'aria-invalid="true"' in field[:600]
    assert "« scan.pdf » n’est pas un PDF" in visible_text(response)  # spaces made plain
    assert not version.signatures.exists()


@pytest.fixture
def signed_version(project, programme_manager):
    version = prepare_version(project, programme_manager)
    sign(version, programme_manager, Party.CARRIER)
    return version


def test_the_lead_and_the_team_download_the_agreement_and_the_signed_copy(
    client, project, signed_version, other_applicant
):
    signature = signed_version.signatures.get()
    addresses = [
        reverse("projects:agreement_pdf", args=[project.pk, 1]),
        reverse("projects:signed_copy", args=[project.pk, signature.pk]),
    ]
    joined_member(project.application, other_applicant)
    for person in (project.application.lead, other_applicant):
        client.force_login(person)
        for address in addresses:
            response = client.get(address)
            assert response.status_code == 200
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        text = visible_text(client.get(page_of(project)))
        assert "Convention de financement" in text
        assert "Télécharger la version 1 (PDF)" in text
        assert "Enregistrer la signature" not in text


@pytest.mark.parametrize("persona", ["reviewer", "other_applicant", "council_member"])
def test_others_get_a_404_for_the_downloads(client, project, signed_version, persona, request):
    signature = signed_version.signatures.get()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("projects:agreement_pdf", args=[project.pk, 1])).status_code == 404
    signed_copy = reverse("projects:signed_copy", args=[project.pk, signature.pk])
    assert client.get(signed_copy).status_code == 404
    post = client.post(reverse("projects:prepare_agreement", args=[project.pk]))
    assert post.status_code == 404


def test_the_council_reads_the_project_but_not_its_agreement(
    client, project, signed_version, council_member
):
    client.force_login(council_member)
    response = client.get(page_of(project))
    assert response.status_code == 200
    assert "Télécharger la version 1" not in visible_text(response)


@pytest.mark.parametrize("versions", [2, 4])
def test_the_page_costs_the_same_whatever_the_number_of_versions(
    client, project, programme_manager, django_assert_num_queries, versions
):
    """Each size: versions signed by both parties (the project's agreement is signed, in both),
    then a last one signed by the carrier."""
    for _number in range(versions - 1):
        version = prepare_version(project, programme_manager)
        sign(version, programme_manager, Party.CARRIER)
        sign(version, programme_manager, Party.NETWORK)
    sign(prepare_version(project, programme_manager), programme_manager, Party.CARRIER)
    client.force_login(programme_manager)
    client.get(page_of(project))  # the session and the permissions cached
    with django_assert_num_queries(QUERIES):
        response = client.get(page_of(project))
    assert response.content.decode().count('class="signature"') == 2 * versions - 1


def test_a_template_that_fails_on_the_projects_facts_is_refused_beside_the_form(
    client, programme_manager
):
    # Passes the sample check (the sample runs from the signature), but this project has a
    # start date: the title is empty. Staff see why on the page, not a server error.
    project = funded_project(
        programme_manager, project_duration_months=24, duration_from_signature=False
    )
    AgreementTemplate.objects.create(
        kind="",
        language="fr",
        title="{% if from_signature %}Convention{% endif %}",
        body="Entre {{ network_name }} et {{ carrier.name }}.",
    )
    client.force_login(programme_manager)
    response = client.post(
        reverse("projects:prepare_agreement", args=[project.pk]),
        {
            "agreement-reason": "",
            "agreement-start_date": (TODAY + dt.timedelta(days=10)).isoformat(),
            "agreement-duration_months": "24",
        },
    )

    assert response.status_code == 400
    text = visible_text(response)
    assert "ne peut pas être utilisé" in text and "Le titre est vide." in text
    assert not project.agreement_versions.exists()


def test_only_staff_record_a_signature(project, programme_manager):
    version = prepare_version(project, programme_manager)
    with pytest.raises(AgreementError, match="équipe des programmes"):
        sign(version, project.application.lead, Party.CARRIER)
    assert not version.signatures.exists()


def test_a_signed_copy_over_the_limit_is_refused(project, programme_manager, settings):
    settings.AGREEMENT_MAX_UPLOAD_MB = 0
    version = prepare_version(project, programme_manager)
    with pytest.raises(AgreementError) as refused:
        sign(version, programme_manager, Party.CARRIER)
    assert "dépasse 0\u00a0Mo" in refused.value.problems["signed_copy"][0]
