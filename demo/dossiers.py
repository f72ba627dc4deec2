"""The demo's applications and what was done with them, as data: applications.yaml and
reviews.yaml, read here into the shapes demo/review.py and demo/decisions.py play through the
services (people as e-mail addresses, amounts as Decimal, scores as the review form's pairs)."""

from decimal import Decimal

from .facts import load_demo_file
from .people import PEOPLE, email_of

APPLICATIONS_FILE = "applications.yaml"
REVIEWS_FILE = "reviews.yaml"


def review_settings(call_slug):
    """What staff set for the call's review (reviews.yaml), without its dossiers."""
    settings = dict(load_demo_file(REVIEWS_FILE)[call_slug])
    settings.pop("dossiers")
    return settings


def dossiers(call_slug):
    """The call's applications in the order they were submitted, each with what staff,
    reviewers and the councils did with it."""
    done = load_demo_file(REVIEWS_FILE)[call_slug]["dossiers"]
    return [
        dossier(facts, done.get(facts["answers"]["acronym"], {}))
        for facts in load_demo_file(APPLICATIONS_FILE)[call_slug]
    ]


def dossier(application, done):
    lead = application["lead"]
    facts = {**application, **done, "lead": email_of(lead)}
    facts["team"] = [
        {
            "name": f"{PEOPLE[row['person']]['first_name']} {PEOPLE[row['person']]['last_name']}",
            "email": email_of(row["person"]),
            "institution": PEOPLE[row["person"]]["institution"],
            "role": row["role"],
            "is_lead": row["person"] == lead,
        }
        for row in application["team"]
    ]
    facts["budget"] = [
        {
            "category": row["category"],
            "description": row["description"],
            "amount_requested": Decimal(row["requested"]),
            "cofunding": Decimal(row.get("cofunding", 0)),
        }
        for row in application["budget"]
    ]
    for kind in ("reviews", "drafts"):
        facts[kind] = {email_of(key): opinion(value) for key, value in done.get(kind, {}).items()}
    facts["pending"] = [email_of(key) for key in done.get("pending", [])]
    if "consensus" in done:
        facts["consensus"] = opinion(done["consensus"])
    return facts


def opinion(facts):
    """A review or a consensus report: scores as (raw score, comment) pairs, as the form sends
    them, and the rapporteur's address."""
    opinion = dict(facts)
    opinion["scores"] = [score_pair(item) for item in facts["scores"]]
    if "rapporteur" in facts:
        opinion["rapporteur"] = email_of(facts["rapporteur"])
    return opinion


def score_pair(item):
    value, comment = item if isinstance(item, list) else (item, "")
    return ("" if value is None else str(value), comment)


def reviewers_of(call_slug):
    """The keys of the people who review the call's applications, each once, in order."""
    done = load_demo_file(REVIEWS_FILE)[call_slug]
    keys = list(done.get("reviewers", []))
    for facts in done["dossiers"].values():
        keys += [*facts.get("reviews", {}), *facts.get("drafts", {}), *facts.get("pending", [])]
    return list(dict.fromkeys(keys))


def leads_and_reviewers(call_slug):
    """The keys of the people who lead or review the call's applications, in order."""
    leads = [facts["lead"] for facts in load_demo_file(APPLICATIONS_FILE)[call_slug]]
    return [*leads, *reviewers_of(call_slug)]
