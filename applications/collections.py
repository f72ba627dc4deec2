"""An application's labelled collections: the collection a label call's application describes
(its proposed record, labels.records' shape) and the registry's collections that another call's
project works on (Call.asks_for_collections).

Both are parts of the draft: they change only as the rule applications.edit_draft allows (the
lead, on a draft, while the call is open) and under the draft's version, like its answers.
Submission checks the record (applications.validation); the snapshot freezes both as they read.
"""

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from labels import records
from labels.models import Collection
from labels.status import paris_today

from .rules import judged_at
from .services import ApplicationError, editing_draft, require_editable


def save_collection_record(application, actor, record, version, now=None):
    """The record the label application proposes (checked by labels.forms.RecordForm), under
    the draft's `version`. Returns the new version."""
    require_editable(judged_at(application, now), actor)
    if not application.call.grants_labels:
        raise ApplicationError(_("This call grants no label: it describes no collection."))
    with editing_draft(application, version):
        application.collection_record = record
        application.save(update_fields=["collection_record"])
    return application.version


def choices(application, today=None, search=""):
    """The collections the applicant may name: those public and labelled today and those
    already named (a label that lapsed since stays named), by name; `search` narrows the
    others."""
    today = today or paris_today()
    named = Q(pk__in=application.collections_used.values("pk"))
    labelled = Q(expires_on__gte=today, pk__in=Collection.objects.public(today).values("pk"))
    if search:
        labelled &= Q(name_fr__icontains=search) | Q(name_en__icontains=search)
    return (
        Collection.objects.filter(named | labelled)
        .select_related("institution")
        .order_by("name_fr", "pk")
    )


def save_collections_used(application, actor, picked, version, now=None, today=None):
    """The labelled collections the project works on (primary keys), replacing those named,
    under the draft's `version`. Returns the new version."""
    require_editable(judged_at(application, now), actor)
    if not application.call.asks_for_collections:
        raise ApplicationError(_("This call does not ask which collections you work on."))
    picked = {int(pk) for pk in picked}
    allowed = set(choices(application, today).filter(pk__in=picked).values_list("pk", flat=True))
    if picked - allowed:
        raise ApplicationError(_("Choose among the labelled collections listed."))
    with editing_draft(application, version):
        application.collections_used.set(allowed)
    return application.version


def readable_record(record):
    """(what, value) for each fact of a record as the page's language reads it."""
    rows = [
        (str(records.LABELS[key]), records.readable(key, record.get(key))) for key in records.KEYS
    ]
    return [(label, value) for label, value in rows if value]


def frozen(application):
    """What a submission keeps of the application's collections, readable in French and
    English as they were at submission (added to the snapshot only where the call asks)."""
    content = {}
    call = application.call
    if call.grants_labels:
        record = application.collection_record or {}
        readable = {}
        for language in ("fr", "en"):
            with translation.override(language):
                readable[language] = [list(row) for row in readable_record(record)]
        collection = application.collection
        content["collection"] = {
            "code": collection.code if collection else "",
            "record": record,
            "readable": readable,
        }
    if call.asks_for_collections:
        content["collections_used"] = [
            {"code": used.code, "name_fr": used.name_fr, "name_en": used.name_en}
            for used in application.collections_used.order_by("name_fr", "pk")
        ]
    return content


def page_context(application):
    """What the draft page, its summary and the read-only pages show of the collections."""
    call = application.call
    context = {}
    if call.grants_labels:
        record = application.collection_record or {}
        context["collection_rows"] = readable_record(record)
        context["collection_problems"] = records.problems(record) if record else {}
    if call.asks_for_collections:
        context["collections_used"] = list(
            application.collections_used.select_related("institution").order_by("name_fr", "pk")
        )
    return context


def submitted(content):
    """The collections of a submission's frozen content, in the page's language: the record's
    rows and the names of the collections used (the receipt)."""
    english = translation.get_language() == "en"
    frozen_record = content.get("collection") or {}
    rows = (frozen_record.get("readable") or {}).get("en" if english else "fr") or []
    used = [
        (item.get("name_en") if english and item.get("name_en") else item.get("name_fr", ""))
        for item in content.get("collections_used") or []
    ]
    return {
        "describes_collection": "collection" in content,
        "collection_rows": rows,
        "asks_for_collections": "collections_used" in content,
        "collections_used": used,
    }
