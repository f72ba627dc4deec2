"""Projects in the demo: last year's decided call played forward (demo/projects.yaml), through
the services staff and leads use. The funding letters made the projects (projects.services);
here staff set each carrier and its schedule (70 % at signature, 30 % on the final report),
prepare the agreement and record both signatures (a small PDF as the signed copy), start the
project and record the first payment. One lead asks for an extension, accepted; another gives
back part of its unpaid balance, accepted; each accepted amendment makes the agreement's next
version, signed in turn. The money given back funds the first application of the reserve list
(decisions.services), whose letter makes its project.

Each step is played once: a second run finds each project's carrier, versions, signatures,
schedule, payment and amendments and changes nothing. Everything happens on the loading day:
an agreement version cannot be signed before the day it was made.
"""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Institution, User
from calls.models import Call
from decisions import letters
from decisions.models import Body, Outcome
from decisions.services import promotion_candidate, record_decision
from projects import agreements, amendments, payments, services
from projects.models import (
    AmendmentKind,
    AmendmentState,
    Condition,
    Party,
    Payment,
    Project,
    ProjectState,
    add_months,
)

from . import project_reports
from .facts import PARIS, load_demo_file

MANAGER = "gestion@example.org"
STORY = load_demo_file("projects.yaml")


def load_project_stage(now=None):
    """The decided call's projects played forward; the reserve application funded. Call inside
    transaction.atomic, after demo.decisions.load_decision_stage (the letters)."""
    today = timezone.localtime(now or timezone.now(), PARIS).date()
    manager = User.objects.get(email=MANAGER)
    call = Call.objects.get(slug=STORY["call"])
    projects = {
        project.application.lead.email: project
        for project in Project.objects.filter(decision__application__call=call).select_related(
            "decision__application__lead", "carrier"
        )
    }
    project_reports.require_reports(call)
    for facts in STORY["projects"]:
        project = projects.get(facts["lead"])
        if project is None:  # not funded in this run of the story
            continue
        project_reports.plan(project)
        play_project(project, facts, manager, today)
        project_reports.play_reports(project, manager, today)
    promote_from_reserve(call, manager, today)
    return call


def play_project(project, facts, manager, today):
    """Carrier, schedule, agreement signed, started, first instalment paid; then the project's
    amendment, if it has one, and the agreement's version it made signed too."""
    if project.carrier_id is None:
        contact = facts["finance_contact"]
        services.set_carrier(
            project,
            manager,
            carrier=Institution.objects.get(acronym=facts["carrier"]),
            finance_contact_name=contact["name"],
            finance_contact_email=contact["email"],
        )
    if not project.instalments.exists():
        payments.set_schedule(project, schedule(project, facts, today), manager)
    sign(project, facts["signatory"], manager, today)
    project.refresh_from_db()
    if project.state == ProjectState.AGREEMENT_SIGNED:
        services.start_project(project, manager)
    if not project.payments.exists():
        first = project.instalments.order_by("position").first()
        payments.record_payment(
            first,
            paid_on=today,
            amount=first.amount,
            reference=facts["payment_reference"],
            actor=manager,
        )
    if "give_back" in facts:
        amount = Decimal(facts["give_back"]["amount"])
        amend(project, AmendmentKind.GIVE_BACK, facts["give_back"], manager, amount=amount)
    if "extension" in facts:
        months = facts["extension"]["months"]
        amend(
            project, AmendmentKind.EXTENSION, facts["extension"], manager, extension_months=months
        )
    sign(project, facts["signatory"], manager, today)  # the amendment's version, if any


def sign(project, signatory, manager, today):
    """The agreement's latest version (the first one prepared by staff if there is none yet)
    signed by both parties."""
    version = agreements.latest_version(project) or agreements.prepare_version(project, manager)
    signed = set(version.signatures.values_list("party", flat=True))
    signers = {
        Party.CARRIER: signatory,
        Party.NETWORK: STORY["network_signatory"],
    }
    for party, person in signers.items():
        if party in signed:
            continue
        agreements.record_signature(
            version,
            manager,
            party=party,
            signer_name=person["name"],
            signer_role=person["role"],
            signed_on=today,
            signed_copy=SimpleUploadedFile(
                f"convention-{project.application.reference}-v{version.number}-{party}.pdf",
                signed_copy(project, version, person, today),
                content_type="application/pdf",
            ),
        )


def schedule(project, facts, today):
    """The story's schedule rows, by shares of what the project is granted, with the project's
    own shares if it has some; the balance waits for the final scientific report."""
    shares = facts.get("shares") or [row["share"] for row in STORY["schedule"]]
    final_report = project_reports.report_for_condition(project)
    return [
        {
            "instalment": None,
            "label": row["label"],
            "share": Decimal(share),
            "amount": None,
            "planned_on": add_months(today, row["in_months"]),
            "condition": Condition(row["condition"]),
            "report": final_report.pk
            if row["condition"] == Condition.REPORT_ACCEPTED and final_report
            else None,
        }
        for row, share in zip(STORY["schedule"], shares, strict=True)
    ]


def amend(project, kind, facts, manager, **fields):
    """The lead asks for the amendment, staff accept it; once."""
    if project.amendments.filter(kind=kind).exists():
        return
    lead = project.application.lead
    amendment = amendments.ask_amendment(
        project, lead, kind=kind, justification=facts["justification"], **fields
    )
    if amendment.state == AmendmentState.ASKED:
        amendments.accept_amendment(amendment, manager, facts["reason"])


def promote_from_reserve(call, manager, today):
    """The first reserve application that now fits, funded as the decisions page proposes it,
    and its letter sent (which makes its project)."""
    promotion = promotion_candidate(call)
    if promotion is None:
        return None
    facts = STORY["promotion"]
    decision = record_decision(
        promotion.decision.application,
        manager,
        outcome=Outcome.FUNDED,
        body=Body.MEMBERS_COUNCIL,
        meeting_date=today,
        amount=promotion.amount,
        conditions=facts["conditions"],
        motivation=facts["motivation"],
    )
    letters.send_letters(call, manager)
    return decision


# The signed copy


def signed_copy(project, version, person, today):
    """A one-page PDF standing for the scan of the signed agreement."""
    return tiny_pdf(
        [
            f"{version.title} - version {version.number}",
            f"Projet {project.application.reference}",
            f"Signé le {today.strftime('%d/%m/%Y')} par {person['name']}, {person['role']}.",
        ]
    )


def tiny_pdf(lines):
    """A valid one-page PDF with `lines` of text in Helvetica (Latin-1), built by hand: no
    PDF library needed for a stand-in of a scan."""

    def escaped(text):
        text = text.encode("latin-1", "replace")
        return text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    stream = (
        b"BT /F1 12 Tf 72 770 Td 16 TL "
        + b" ".join(b"(" + escaped(line) + b") '" for line in lines)
        + b" ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    pdf += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return pdf


def project_summary():
    """load_demo's report on the projects."""
    projects = Project.objects.filter(decision__application__call__slug=STORY["call"])
    signed = projects.exclude(signed_on=None).count()
    paid = Payment.objects.filter(project__in=projects).aggregate(total=Sum("amount"))["total"]
    accepted = projects.filter(amendments__state=AmendmentState.ACCEPTED).values_list(
        "amendments__kind", flat=True
    )
    return (
        f"Projects: {projects.count()} from {STORY['call']}, {signed} agreements signed by both "
        f"parties, {paid or 0:,.0f} EUR paid, amendments accepted: "
        f"{', '.join(sorted(accepted)) or 'none'}; sign in as gestion for /gestion/projets/."
    )
