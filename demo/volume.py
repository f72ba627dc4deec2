"""Volume for benchmarks (--size large): more calls, thousands of applicants, hundreds of reviewers.

Accounts are bulk-created with one password hash computed once; existing e-mails are skipped, so a
second run adds nothing. The benchmark (bench/) creates its own call with 1,000 applications.
"""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Discipline, Institution, User
from accounts.roles import Role
from calls.models import CallKind
from reviews.models import ReviewerKind, ReviewerProfile

from .calls import load_call

TOTAL_CALLS = 40
APPLICANTS = 2000
REVIEWERS = 200
BATCH_SIZE = 500
BENCH_DOMAIN = "bench.example.org"
# (opens_in_days, closes_in_days): upcoming, open, closing soon, closed.
PHASES = [(15, 75), (-30, 30), (-40, 3), (-120, -20)]
KIND_WORDS = {
    CallKind.PROJECTS: ("Appel à projets", "Call for projects"),
    CallKind.RESIDENCY: ("Résidence de chercheurs", "Researcher residency"),
    CallKind.EXPRESSION_OF_INTEREST: ("Appel à manifestation d'intérêt", "Expression of interest"),
    CallKind.INCUBATOR: ("Incubateur", "Incubator"),
    CallKind.MOBILITY_GRANT: ("Bourse de mobilité", "Mobility grant"),
    CallKind.LABEL: ("Labellisation CollEx", "CollEx label"),
}
UNFUNDED_KINDS = {CallKind.EXPRESSION_OF_INTEREST, CallKind.LABEL}
# The bench reviewers' expertise is drawn from these (the words bench/ gives its applications).
EXPERTISE = [
    "archives du web",
    "iiif",
    "ocr",
    "tei",
    "manuscrits",
    "paléographie",
    "cartes anciennes",
    "presse ancienne",
    "photographie",
    "archives scientifiques",
    "métadonnées",
    "fouille de textes",
    "édition numérique",
    "collections muséales",
]
REVIEWER_MAX_LOAD = 20


def generated_call_specs(count, programme_codes):
    """Plausible calls of every kind, programme (or none: cross-programme) and phase."""
    kinds = list(CallKind)
    codes = [*programme_codes, None]
    specs = []
    for number in range(1, count + 1):
        kind = kinds[number % len(kinds)]
        opens_in_days, closes_in_days = PHASES[number % len(PHASES)]
        funded = kind not in UNFUNDED_KINDS
        word_fr, word_en = KIND_WORDS[kind]
        specs.append(
            {
                "kind": kind.value,
                "programme": codes[number % len(codes)],
                "slug": f"banc-essai-appel-{number:02d}",
                "fr": f"{word_fr} : appel de test n° {number}",
                "en": f"{word_en}: test call no. {number}",
                "summary_fr": "Appel généré pour mesurer les performances du guichet.",
                "summary_en": "A call generated to measure the platform's performance.",
                "description": "Cet appel fictif sert aux mesures de performance.",
                "eligibility": "Ouvert aux établissements du réseau.",
                "envelope_eur": 200000 if funded else 0,
                "max_eur": 20000 + 1000 * number if funded else 0,
                "requires_co_construction": number % 2 == 0,
                "opens_in_days": opens_in_days,
                "closes_in_days": closes_in_days,
            }
        )
    return specs


def load_volume_calls(facts, programmes, now=None):
    """Generated calls up to TOTAL_CALLS with the example ones; published, without a PDF each."""
    count = TOTAL_CALLS - len(facts["example_calls"])
    specs = generated_call_specs(count, [programme["code"] for programme in facts["programmes"]])
    return [load_call(spec, facts, programmes, now=now, with_document=False) for spec in specs]


def load_volume_accounts(password_hash, applicants=APPLICANTS, reviewers=REVIEWERS):
    """2,000 applicants and 200 reviewers (fewer for a quick benchmark), verified, in batches.
    Returns the numbers created."""
    institution_ids = list(Institution.objects.order_by("name").values_list("pk", flat=True))
    applicants = [
        bench_user(f"porteur-{number:04d}@{BENCH_DOMAIN}", number, institution_ids, password_hash)
        for number in range(1, applicants + 1)
    ]
    reviewers = [
        bench_user(f"expert-{number:03d}@{BENCH_DOMAIN}", number, institution_ids, password_hash)
        for number in range(1, reviewers + 1)
    ]
    created_applicants = create_missing(applicants)
    created_reviewers = create_missing(reviewers)
    group = Group.objects.get(name=Role.REVIEWER.value)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=user.pk, group_id=group.pk) for user in created_reviewers],
        batch_size=BATCH_SIZE,
    )
    return len(created_applicants), len(created_reviewers)


def bench_user(email, number, institution_ids, password_hash):
    return User(
        email=email,
        first_name="Compte",
        last_name=f"de test {number}",
        institution_id=institution_ids[number % len(institution_ids)] if institution_ids else None,
        password=password_hash,
    )


def create_missing(users):
    """Insert the users whose e-mail is free, with a verified address; return those inserted."""
    emails = [user.email for user in users]
    taken = set()
    for start in range(0, len(emails), BATCH_SIZE):
        batch = emails[start : start + BATCH_SIZE]
        taken.update(User.objects.filter(email__in=batch).values_list("email", flat=True))
    missing = [user for user in users if user.email not in taken]
    User.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    # SQLite and PostgreSQL both return the primary keys of bulk-created rows.
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True)
            for user in missing
        ],
        batch_size=BATCH_SIZE,
    )
    return missing


def load_volume_reviewer_profiles():
    """A profile for each bench reviewer without one: 2 to 4 keywords, 1 or 2 disciplines, the
    same for the same reviewer on every machine. Returns the number created."""
    users = list(
        User.objects.filter(
            email__startswith="expert-",
            email__endswith=f"@{BENCH_DOMAIN}",
            reviewer_profile__isnull=True,
        ).order_by("email")
    )
    disciplines = list(Discipline.objects.order_by("code").values_list("pk", flat=True))
    profiles, chosen = [], []
    for user in users:
        draw = random.Random(user.email)  # seeded by the address: deterministic, order-free
        profiles.append(
            ReviewerProfile(
                user=user,
                kind=ReviewerKind.COUNCIL if draw.random() < 0.1 else ReviewerKind.EXTERNAL,
                keywords=", ".join(draw.sample(EXPERTISE, draw.randint(2, 4))),
                languages=["fr", "en"] if draw.random() < 0.7 else ["fr"],
                max_load=REVIEWER_MAX_LOAD,
            )
        )
        chosen.append(draw.sample(disciplines, min(len(disciplines), draw.randint(1, 2))))
    ReviewerProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
    Link = ReviewerProfile.disciplines.through
    Link.objects.bulk_create(
        [
            Link(reviewerprofile_id=profile.pk, discipline_id=discipline_id)
            for profile, picks in zip(profiles, chosen, strict=True)
            for discipline_id in picks
        ],
        batch_size=BATCH_SIZE,
    )
    return len(profiles)
