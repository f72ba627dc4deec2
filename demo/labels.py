"""The registry of labelled collections in the demo: past CollEx label campaigns (labels.yaml)
played through the services applicants and staff use. For each campaign, closed and decided
years ago, each collection's lead applies with the collection's record, submits before the
deadline, staff screen the application eligible, and the members' council decides it
"labelled", which labels the collection through the registry (decisions.services calls
labels.services.label_collection). The label's dates follow from the decision and the call's
duration: a campaign decided 62 months ago on a 60-month label has lapsed; one decided 56
months ago ends within four months, its renewal due.

Each campaign is played once (when its call has no application); a second run changes nothing.
"""

import datetime as dt

from accounts.models import Institution, User
from applications.collections import save_collection_record
from applications.rules import judged_at
from applications.services import save_draft, start_application, submit_application
from calls.models import Call
from common.formats import PARIS
from common.months import add_months
from decisions.models import Body, Outcome
from decisions.services import record_decision, set_publication_date
from labels.models import Collection
from labels.renewals import start_campaign
from labels.status import ENDING_SOON_MONTHS
from reviews.eligibility import screen_application

from .calls import load_call
from .facts import block_id, load_demo_file, paris_day_at
from .people import PEOPLE, load_demo_users, quiet_accounts

LABELS = load_demo_file("labels.yaml")
MANAGER = "gestion@example.org"
# The open label call of network.yaml (example_calls) that the renewal campaign invites to.
RENEWAL_CALL = "labellisation-collex-2027"
LABEL_MONTHS = 60
# A label call's form: its applications say why the collection deserves the label; the record
# of the collection is the application's own part (Application.collection_record).
LABEL_FORM = [
    {
        "type": "section",
        "key": "collection",
        "title": "La collection",
        "title_en": "The collection",
        "intro": "",
    },
    {
        "type": "long_text",
        "key": "abstract",
        "label": "Intérêt de la collection pour la recherche",
        "label_en": "The collection's interest for research",
        "max_words": 300,
    },
]
# Leads of the labelled collections who are not demo accounts, created quietly.
LEADS = quiet_accounts(facts["lead"] for facts in LABELS["collections"].values())


def label_call_spec(campaign):
    return {
        "kind": "label",
        "programme": "cartography",
        "slug": campaign["slug"],
        "fr": campaign["fr"],
        "en": campaign["en"],
        "summary_fr": "Les établissements présentent une collection pour obtenir le label "
        "« collection d'excellence » CollEx.",
        "summary_en": "Institutions put forward a collection for the CollEx "
        '"collection of excellence" label.',
        "description": "Le label reconnaît une collection de référence pour la recherche, par sa "
        "richesse, son accessibilité et son signalement.",
        "eligibility": "La collection est conservée par un établissement d'enseignement "
        "supérieur ou de recherche et accessible aux chercheurs.",
        "envelope_eur": 0,
        "max_eur": 0,
        "requires_co_construction": False,
        "label_duration_months": LABEL_MONTHS,
        # A library puts forward each of its collections: one lead may apply for several.
        "allows_multiple_applications": True,
        "opens_in_days": campaign["opens_in_days"],
        "closes_in_days": campaign["closes_in_days"],
    }


def load_label_stage(facts, programmes, password_hash, now):
    """The past label campaigns, each decided once. Call inside transaction.atomic, after the
    demo accounts and institutions are loaded. Returns the number of collections."""
    load_demo_users(password_hash, LEADS)
    manager = User.objects.get(email=MANAGER)
    form_facts = {**facts, "application_form": LABEL_FORM}
    for campaign in LABELS["calls"]:
        call = load_call(label_call_spec(campaign), form_facts, programmes, now, False)
        if call.applications.exists():
            continue
        decided_on = add_months(paris_day_at(0, 12, now).date(), campaign["decided_in_months"])
        meeting = dt.datetime.combine(decided_on, dt.time(17), tzinfo=call.closes_at.tzinfo)
        for number, key in enumerate(campaign["collections"]):
            application = apply_for_label(call, LABELS["collections"][key], number)
            screen_application(application, manager, checks={}, eligible=True)
            record_decision(
                application,
                manager,
                outcome=Outcome.LABELLED,
                body=Body.MEMBERS_COUNCIL,
                meeting_date=decided_on,
                motivation="Collection de référence, accessible et signalée : le conseil des "
                "membres lui accorde le label CollEx pour cinq ans.",
                now=meeting,
            )
            # Announced on the meeting's day, as if its letter had gone then: public since.
            set_publication_date(application, manager, decided_on)
    invite_renewals(now)
    return Collection.objects.count()


def invite_renewals(now):
    """Staff's renewal campaign on the open label call (network.yaml's 2027 campaign): the
    holders of the labels ending soon are invited to renew them (porteuse holds one). Once:
    a second run invites nobody again."""
    call = Call.objects.get(slug=RENEWAL_CALL)
    today = now.astimezone(PARIS).date()
    ending_soon_by = add_months(today, ENDING_SOON_MONTHS) - dt.timedelta(days=1)
    start_campaign(call, ending_soon_by, User.objects.get(email=MANAGER), now=now)


def apply_for_label(call, facts, number):
    """The lead's application: the collection's record and why it matters, submitted before
    the deadline (one a day, the last two days before it)."""
    lead = User.objects.get(email=PEOPLE[facts["lead"]]["email"])
    received_at = call.closes_at - dt.timedelta(days=2 + number, hours=3)
    drafted_at = received_at - dt.timedelta(days=5)
    application = judged_at(start_application(lead, call, now=drafted_at), drafted_at)
    version = save_draft(
        application,
        application.version,
        actor=lead,
        title=facts["name_fr"],
        answers={block_id(call.slug, "abstract"): facts["summary_fr"]},
        team=[
            {
                "name": lead.get_full_name(),
                "email": lead.email,
                "institution_id": lead.institution_id,
                "role": "documentation_professional",
                "is_lead": True,
            }
        ],
        now=drafted_at,
    )
    save_collection_record(application, lead, collection_record(facts), version, drafted_at)
    submit_application(application, lead, now=received_at)
    return application


def collection_record(facts) -> dict:
    """The record of labels.yaml's collection in labels.records' shape."""
    institution = Institution.objects.get(name=facts["institution"])
    record = {
        key: value
        for key, value in facts.items()
        if key not in ("lead", "institution", "size_linear_metres")
    }
    record.update(
        institution=institution.pk,
        size_linear_metres=facts.get("size_linear_metres"),
        size_volumes=facts.get("size_volumes"),
        size_items=facts.get("size_items"),
        links=facts.get("links", {}),
        languages=facts.get("languages", []),
        periods=facts.get("periods", []),
    )
    return record


def labels_summary():
    """load_demo's report on the registry."""
    collections = Collection.objects.count()
    return (
        f"Registry: {collections} labelled collections from {len(LABELS['calls'])} past label "
        "campaigns (two due for renewal, one expired); sign in as porteuse for her collections."
    )
