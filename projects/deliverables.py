"""A funded project's deliverables: the lead, the joined team or staff declare what the project
produced (a dataset, a digitised corpus, software, a publication, a tool) with a persistent
identifier whose syntax is checked and a licence, and change or remove it until the project
ends (rule "projects.declare_deliverable").

Choices made here:
- The identifier is stored in one written form (common.identifiers): a DOI pasted as
  https://doi.org/... and typed as doi:... is one DOI, declared once per project.
- "Web address only" is for what has no persistent identifier yet: the address is then
  required; with an identifier, the address is optional (a landing page).
- Every change is a row of the application's audit trail about the deliverable, naming it.
- Each service locks the project row first (projects.payments.locked): two declarations at
  once cannot both pass the check that an identifier is declared once.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from applications import audit
from applications.models import AuditSubject
from calls.models import DeliverableKind
from common import identifiers
from common.errors import Refused
from common.permissions import require

from .models import Deliverable, IdentifierScheme, Licence
from .payments import locked

DECLARE = "projects.declare_deliverable"
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
FIELDS = (
    "kind",
    "title",
    "description",
    "identifier_scheme",
    "identifier",
    "url",
    "licence",
    "is_public",
)


class DeliverableError(Refused):
    """A deliverable that the rules, its fields or the person do not allow; `problems` maps a
    field ("identifier", "url", "__all__"...) to its messages."""


def deliverables_of(project):
    """The project's deliverables, in the order they were declared, in one query."""
    return list(Deliverable.objects.filter(project=project).order_by("declared_at", "pk"))


def declare_deliverable(project, actor, **fields):
    with transaction.atomic():
        project = _locked(project, actor)
        values = checked(project, fields)
        deliverable = Deliverable.objects.create(project=project, declared_by=actor, **values)
        _record(deliverable, actor, "declare")
    return deliverable


def update_deliverable(deliverable, actor, **fields):
    with transaction.atomic():
        deliverable.project = project = _locked(deliverable.project, actor)
        values = checked(project, fields, deliverable)
        for name, value in values.items():
            setattr(deliverable, name, value)
        deliverable.save(update_fields=[*values, "updated_at"])
        _record(deliverable, actor, "update")
    return deliverable


def remove_deliverable(deliverable, actor):
    with transaction.atomic():
        deliverable.project = _locked(deliverable.project, actor)
        _record(deliverable, actor, "remove")
        deliverable.delete()


def checked(project, fields, deliverable=None):
    """The fields as stored (the identifier normalised), or a DeliverableError with each
    problem beside its field."""
    values = {name: fields.get(name) for name in FIELDS}
    for name in ("title", "description", "identifier", "url"):
        values[name] = (values[name] or "").strip()
    values["is_public"] = bool(values["is_public"])
    problems = {}
    for field, choices in (
        ("kind", DeliverableKind),
        ("identifier_scheme", IdentifierScheme),
        ("licence", Licence),
    ):
        if values[field] not in choices.values:
            problems[field] = [_("Choose one of the list.")]
    if not values["title"]:
        problems["title"] = [_("Give its title.")]
    if values["url"] and not _is_web_address(values["url"]):
        problems["url"] = [_("A web address starts with https:// or http://.")]
    if values["identifier_scheme"] == IdentifierScheme.URL:
        values["identifier"] = ""
        if not values["url"]:
            problems["url"] = [_("Without a persistent identifier, give its web address.")]
    elif values["identifier_scheme"] in identifiers.SCHEMES:
        try:
            values["identifier"] = _identifier(project, values, deliverable)
        except ValidationError as error:
            problems["identifier"] = error.messages
    if problems:
        raise DeliverableError(problems=problems)
    return values


def _identifier(project, values, deliverable):
    """The identifier normalised, if it is one of its scheme and not declared yet for the
    project; a ValidationError otherwise."""
    scheme = values["identifier_scheme"]
    if not values["identifier"]:
        raise ValidationError(
            _("Give its identifier, for example %(example)s.")
            % {"example": identifiers.example(scheme)}
        )
    identifier = identifiers.normalise(scheme, values["identifier"])
    twin = _declared_twin(project, scheme, identifier, deliverable)
    if twin is not None:
        raise ValidationError(
            _("This identifier is already declared for this project (“%(title)s”).")
            % {"title": twin.title}
        )
    return identifier


def _is_web_address(url):
    try:
        WEB_ADDRESS(url)
    except ValidationError:
        return False
    return True


def _declared_twin(project, scheme, identifier, deliverable):
    twins = Deliverable.objects.filter(
        project=project, identifier_scheme=scheme, identifier=identifier
    )
    if deliverable is not None:
        twins = twins.exclude(pk=deliverable.pk)
    return twins.only("title").first()


def _locked(project, actor):
    project = locked(project)
    require(
        actor,
        DECLARE,
        project,
        DeliverableError,
        _(
            "Only the lead, the team and programme staff declare the deliverables of a funded "
            "project that is not ended."
        ),
    )
    return project


def _record(deliverable, actor, action):
    """The audit row names the deliverable: a removed one is known only by it."""
    named = deliverable.title
    if deliverable.identifier:
        named = f"{named} ({deliverable.get_identifier_scheme_display()} {deliverable.identifier})"
    elif deliverable.url:
        named = f"{named} ({deliverable.url})"
    audit.record(
        deliverable.project.decision.application_id,
        actor,
        AuditSubject.DELIVERABLE,
        action,
        reason=named,
    )
