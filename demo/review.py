"""Peer review in the demo: disciplines, reviewer profiles, and the closed incubator call in
review, played through the same services as applicants, staff and reviewers use.

The incubator call receives its four applications only once (when it has none): a second run
finds them and changes nothing. Its review settings and reply phase follow the loading day, as
the calls' dates do.
"""

import datetime as dt
import textwrap
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Discipline, Institution, User
from applications.attachments import add_attachment
from applications.rules import judged_at
from applications.services import save_draft, start_application, submit_application
from calls.models import Call, EligibilityCheck
from reviews.assignments import accept_assignment, assign_reviewer
from reviews.claims import record_claims, rule_on_claim
from reviews.conflicts import conflicts_between
from reviews.deliberation import open_reply_phases, save_consensus, save_reply, set_rapporteur
from reviews.eligibility import screen_application
from reviews.models import ClaimState, ReviewerProfile, TeamClaim
from reviews.reviewing import save_review, submit_review

from .dossiers import dossiers, leads_and_reviewers, review_settings
from .facts import block_id, paris_day_at
from .people import PEOPLE, email_of, load_demo_users, quiet_accounts
from .publishing import publish

REVIEW_CALL = "incubateur-archives-du-web"
MANAGER = "gestion@example.org"


def load_disciplines(facts):
    """The disciplines of network.yaml, found by code and kept up to date."""
    existing = {discipline.code: discipline for discipline in Discipline.objects.all()}
    changed, created = [], []
    for row in facts:
        discipline = existing.get(row["code"])
        if discipline is None:
            created.append(Discipline(code=row["code"], name_fr=row["fr"], name_en=row["en"]))
        elif (discipline.name_fr, discipline.name_en) != (row["fr"], row["en"]):
            discipline.name_fr, discipline.name_en = row["fr"], row["en"]
            changed.append(discipline)
    Discipline.objects.bulk_create(created)
    Discipline.objects.bulk_update(changed, ["name_fr", "name_en"])
    return {discipline.code: discipline for discipline in Discipline.objects.all()}


def load_reviewer_profiles(disciplines, keys):
    """The expertise, languages and maximum load of the reviewers of `keys` (people.yaml)."""
    for key in keys:
        facts = PEOPLE[key]["reviewer"]
        profile, _created = ReviewerProfile.objects.update_or_create(
            user=User.objects.get(email=email_of(key)),
            defaults={
                "kind": facts["kind"],
                "keywords": facts["keywords"],
                "languages": facts["languages"],
                "max_load": facts["max_load"],
            },
        )
        profile.disciplines.set([disciplines[code] for code in facts["disciplines"]])


def load_review_stage(facts, password_hash, now):
    """Disciplines, reviewer profiles, the review settings of the incubator call and, once, its
    applications in every state of review. Returns the call. Call inside transaction.atomic."""
    settings = review_settings(REVIEW_CALL)
    disciplines = load_disciplines(facts["disciplines"])
    load_reviewer_profiles(disciplines, settings["reviewers"])
    load_demo_users(password_hash, quiet_accounts(leads_and_reviewers(REVIEW_CALL)))
    call = Call.objects.get(slug=REVIEW_CALL)
    set_review_settings(call, settings, now)
    if not call.applications.exists():
        play_review(call, settings["reviewers"], disciplines, now)
    return call


def set_review_settings(call, settings, now):
    """What staff set in the admin before screening, with a reply phase."""
    call.reply_opens_at = paris_day_at(settings["reply_opens_in_days"], 9, now)
    call.reply_closes_at = paris_day_at(settings["reply_closes_in_days"], 18, now)
    save_review_settings(call, settings, now)


def save_review_settings(call, settings, now):
    """A call's review settings (reviews.yaml), due date and eligibility checklist, saved and
    published like any change staff make to the call in the admin."""
    for name, value in settings["settings"].items():
        setattr(call, name, Decimal(value) if isinstance(value, str) else value)
    call.reviews_due_at = paris_day_at(settings["reviews_due_in_days"], 18, now)
    # Rows reused by label, so that screenings keep pointing at the same checklist points.
    existing = {check.label_fr: check for check in call.eligibility_checks.all()}
    checks = []
    for position, facts in enumerate(settings["eligibility_checks"]):
        check = existing.get(facts["fr"]) or EligibilityCheck(label_fr=facts["fr"])
        check.label_en = facts["en"]
        check.sort_order = position
        checks.append(check)
    call.eligibility_checks = checks
    call.full_clean()
    call.save()
    publish(call)


def play_review(call, reviewer_keys, disciplines, now):
    """Four applications submitted before the deadline, screened, assigned and reviewed."""
    played = dossiers(REVIEW_CALL)
    reviewers = [email_of(key) for key in reviewer_keys]
    people = accounts_of([MANAGER, *reviewers, *(facts["lead"] for facts in played)])
    manager = people[MANAGER]
    applications = [apply(call, people[facts["lead"]], facts, disciplines) for facts in played]
    checks = list(call.eligibility_checks.values_list("pk", flat=True))
    for application, facts in zip(applications, played, strict=True):
        screen(application, facts, checks, manager)
    criteria = list(call.criteria.all())
    for application, facts in zip(applications, played, strict=True):
        if application.screening.eligible:
            review_by = [people[email] for email in reviewers]
            review(application, facts, criteria, review_by, manager, now)
    open_reply_phases(now)  # what the beat schedule does: each lead in review is told, once
    for application, facts in zip(applications, played, strict=True):
        if facts.get("reply"):
            save_reply(application, application.lead, facts["reply"], now)


def accounts_of(emails):
    """The accounts of `emails`, by e-mail, with their institutions."""
    users = User.objects.filter(email__in=set(emails)).select_related("institution")
    return {user.email: user for user in users}


def screen(application, facts, checks, manager):
    """Staff's screening: every check met unless the dossier says otherwise (reviews.yaml)."""
    screening = facts.get("screening", {})
    met = screening.get("met", [True] * len(checks))
    screen_application(
        application,
        manager,
        checks=dict(zip(checks, met, strict=True)),
        eligible=all(met),
        reason=screening.get("reason", ""),
    )


def apply(call, lead, facts, disciplines):
    """The lead's journey: start, fill in, attach the letter, submit before the deadline."""
    received_at = call.closes_at - dt.timedelta(days=facts["submitted_days"], hours=2, minutes=25)
    drafted_at = received_at - dt.timedelta(days=3)
    # The demo replays the past: the rules judge the draft at that moment, not today.
    application = judged_at(start_application(lead, call, now=drafted_at), drafted_at)
    institutions = dict(Institution.objects.values_list("name", "pk"))
    version = save_draft(
        application,
        application.version,
        actor=lead,
        title=facts["title"],
        answers=answers(call, facts["answers"], received_at),
        keywords=facts["keywords"],
        disciplines=[disciplines[code] for code in facts["disciplines"]],
        team=[
            {
                "name": row["name"],
                "email": row["email"],
                "institution_id": institutions[row["institution"]],
                "role": row["role"],
                "is_lead": row["is_lead"],
            }
            for row in facts["team"]
        ],
        budget=facts["budget"],
    )
    letter = SimpleUploadedFile(
        "lettre-de-soutien.pdf", support_letter(lead, facts["title"]), "application/pdf"
    )
    add_attachment(application, block_id(call.slug, "support_letter"), letter, lead, version)
    submit_application(application, lead, now=received_at)
    return application


def answers(call, facts, received_at):
    """The answers keyed by the form's block ids (demo/calls.py derives them from the keys)."""
    values = dict(facts)
    start = received_at.date() + dt.timedelta(days=values.pop("start_date_in_days"))
    values["start_date"] = start.isoformat()
    return {block_id(call.slug, key): value for key, value in values.items()}


def support_letter(lead, title):
    """A one-page letter from the lead's institution, as PDF bytes."""
    institution = lead.institution.name if lead.institution_id else ""
    return text_pdf(
        [
            institution,
            "",
            "Lettre de soutien",
            "",
            *textwrap.wrap(
                f"La direction de l'établissement soutient le projet « {title} », porté par "
                f"{lead.get_full_name()}, et s'engage à lui donner accès aux moyens décrits "
                "dans la candidature.",
                width=80,
            ),
            "",
            "Document de démonstration, sans valeur officielle.",
        ]
    )


def text_pdf(lines):
    """A valid one-page A4 PDF of plain text lines in Helvetica, written directly: WeasyPrint
    takes half a second a page (font subsetting); this, a few microseconds."""

    def literal(text):
        encoded = text.encode("cp1252", errors="replace")
        return (
            b"("
            + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            + b")"
        )

    content = (
        b"BT /F1 11 Tf 16 TL 72 770 Td "
        + b" T* ".join(literal(line) + b" Tj" for line in lines)
        + b" ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def review(application, facts, criteria, reviewers, manager, now):
    """Staff assign the demo reviewers without a conflict; they answer and review. The team's
    rows and the lead's profile name reviewers (reviews.claims): the manager, who knows them,
    confirms each claim."""
    record_claims([application], manager)
    for claim in TeamClaim.objects.filter(application=application, state=ClaimState.PENDING):
        rule_on_claim(claim, manager, confirm=True, now=now)
    for reviewer in reviewers:
        if conflicts_between(reviewer, application):
            continue
        assignment = assign_reviewer(application, reviewer, manager, now=now)
        if reviewer.email in facts["pending"]:
            continue
        accept_assignment(assignment, reviewer)
        if reviewer.email in facts["reviews"]:
            submit_review(
                assignment, reviewer, review_data(facts["reviews"][reviewer.email], criteria)
            )
        elif reviewer.email in facts["drafts"]:
            save_review(
                assignment, reviewer, review_data(facts["drafts"][reviewer.email], criteria)
            )
    consensus = facts.get("consensus")
    if consensus:
        rapporteur = next(user for user in reviewers if user.email == consensus["rapporteur"])
        set_rapporteur(application, rapporteur, manager)
        save_consensus(
            application, manager, review_data(consensus, criteria), finalise=True, now=now
        )


def review_data(facts, criteria):
    """The form's data for a review or a consensus report: scores by criterion id."""
    data = {key: value for key, value in facts.items() if key not in ("scores", "rapporteur")}
    data["scores"] = {
        criterion.pk: score for criterion, score in zip(criteria, facts["scores"], strict=True)
    }
    return data
