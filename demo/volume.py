"""Volume for benchmarks (--size large): more calls, thousands of applicants, hundreds of reviewers,
2,000 labelled collections.

Accounts are bulk-created with one password hash computed once; existing e-mails are skipped, so a
second run adds nothing. The benchmark (bench/) creates its own call with 1,000 applications.
"""

import random
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Discipline, Institution, User
from accounts.roles import Role
from calls.models import CallKind
from common.months import add_months, last_day_of
from labels import records
from labels.models import Collection, CollectionTerm, Facet, LabelPeriod, PeriodKind
from labels.services import announce_label, label_collection
from labels.status import paris_today
from labels.vocabularies import Language, Material, Period
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
                "label_duration_months": 60 if kind == CallKind.LABEL else None,
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


# The benchmark's labelled collections: spread over the regions (overseas included) around a
# city of each, labelled over the last six years for five years (some expired, some ending).
COLLECTIONS = 2000
BENCH_LABEL = "BANC-LBL-"  # the references of their label periods
# A few more labelled through labels.services, with references of their own.
SERVICE_LABELS = 5
SERVICE_LABEL = "BANC-SVC-"
CITIES = [
    ("11", "Paris", "75005", 48.8566, 2.3522),
    ("84", "Lyon", "69007", 45.7640, 4.8357),
    ("44", "Strasbourg", "67000", 48.5734, 7.7521),
    ("76", "Toulouse", "31000", 43.6047, 1.4442),
    ("75", "Bordeaux", "33000", 44.8378, -0.5792),
    ("32", "Lille", "59000", 50.6292, 3.0573),
    ("53", "Rennes", "35000", 48.1173, -1.6778),
    ("52", "Nantes", "44000", 47.2184, -1.5536),
    ("93", "Marseille", "13001", 43.2965, 5.3698),
    ("28", "Caen", "14000", 49.1829, -0.3707),
    ("27", "Dijon", "21000", 47.3220, 5.0415),
    ("24", "Tours", "37000", 47.3941, 0.6848),
    ("94", "Corte", "20250", 42.3063, 9.1500),
    ("02", "Schœlcher", "97233", 14.6147, -61.1005),
    ("01", "Pointe-à-Pitre", "97110", 16.2411, -61.5331),
    ("03", "Cayenne", "97300", 4.9224, -52.3135),
    ("04", "Saint-Denis", "97490", -20.8823, 55.4504),
    ("06", "Mamoudzou", "97600", -12.7806, 45.2279),
    ("987", "Papeete", "98714", -17.5516, -149.5585),
    ("988", "Nouméa", "98800", -22.2758, 166.4580),
]


def load_volume_collections(count=COLLECTIONS, today=None):
    """`count` labelled collections, made cheaply in bulk (their label periods, disciplines and
    terms too) rather than through the label decisions the demo's twenty go through; existing
    ones are kept, so a second run adds nothing. Returns the number created.

    Why not through the services: 2,000 collections each labelled by labels.services (its
    checks, version and holder rows, one transaction each) would take minutes, as would the
    applications, which are bulk-created for the same reason. The path is still exercised: a
    few more are labelled through labels.services.label_collection (label_through_service)."""
    existing = LabelPeriod.objects.filter(reference__startswith=BENCH_LABEL).count()
    if existing >= count:
        return 0
    today = today or paris_today()
    institutions = list(Institution.objects.order_by("name").values_list("pk", flat=True))
    disciplines = list(Discipline.objects.order_by("code").values_list("pk", flat=True))
    numbers = range(existing + 1, count + 1)
    draws = {number: random.Random(f"collection-{number}") for number in numbers}
    starts = {number: add_months(today, -draws[number].randint(1, 72)) for number in numbers}
    collections = Collection.objects.bulk_create(
        [
            bench_collection(number, draws[number], starts[number], institutions)
            for number in numbers
        ],
        batch_size=BATCH_SIZE,
    )
    LabelPeriod.objects.bulk_create(
        [
            LabelPeriod(
                collection=collection,
                kind=PeriodKind.FIRST,
                starts_on=collection.labelled_since,
                expires_on=collection.expires_on,
                reference=f"{BENCH_LABEL}{number:05d}",
                decided_on=collection.labelled_since,
                call_title_fr="Campagne de labellisation CollEx (banc d'essai)",
                announced_on=collection.labelled_since,  # public, as if its letter was sent
            )
            for number, collection in zip(numbers, collections, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    Link = Collection.disciplines.through
    Link.objects.bulk_create(
        [
            Link(collection_id=collection.pk, discipline_id=discipline)
            for number, collection in zip(numbers, collections, strict=True)
            for discipline in draws[number].sample(disciplines, min(2, len(disciplines)))
        ],
        batch_size=BATCH_SIZE,
    )
    vocabularies = [(Facet.MATERIAL, Material), (Facet.LANGUAGE, Language), (Facet.PERIOD, Period)]
    CollectionTerm.objects.bulk_create(
        [
            CollectionTerm(collection_id=collection.pk, facet=facet, code=code)
            for number, collection in zip(numbers, collections, strict=True)
            for facet, vocabulary in vocabularies
            for code in draws[number].sample(vocabulary.values, 2)
        ],
        batch_size=BATCH_SIZE,
    )
    label_through_service(collections[:SERVICE_LABELS], today)
    return len(collections)


def label_through_service(models, today):
    """A few collections labelled as a decision labels them (labels.services): each a copy of
    a bulk one's record, with its lead, version and announced period."""
    lead = User.objects.order_by("pk").first()
    if lead is None:
        return
    ready = Collection.objects.filter(pk__in=[c.pk for c in models]).prefetch_related(
        "disciplines", "terms"
    )
    for number, model in enumerate(ready, start=1):
        reference = f"{SERVICE_LABEL}{number:02d}"
        record = records.record_of(model)
        record["name_fr"] = f"{model.name_fr} (décision)"
        label_collection(
            record=record,
            lead=lead,
            reference=reference,
            decided_on=today,
            months=60,
            call_title_fr="Campagne de labellisation CollEx (banc d'essai)",
        )
        announce_label(reference, today)


def bench_collection(number, draw, starts_on, institutions):
    region, city, postcode, latitude, longitude = CITIES[number % len(CITIES)]
    return Collection(
        name_fr=f"Collection de test n° {number}",
        name_en=f"Test collection no. {number}",
        summary_fr="Collection générée pour mesurer l'annuaire et la carte des collections.",
        summary_en="A collection generated to measure the directory and map of collections.",
        institution_id=institutions[number % len(institutions)],
        service="Bibliothèque universitaire",
        size_volumes=draw.randint(1000, 500000),
        city=city,
        postcode=postcode,
        region=region,
        latitude=Decimal(f"{latitude + draw.uniform(-0.2, 0.2):.6f}"),
        longitude=Decimal(f"{longitude + draw.uniform(-0.2, 0.2):.6f}"),
        labelled_since=starts_on,
        expires_on=last_day_of(starts_on, 60),
    )
