"""factory_boy factories shared by the suite. Calls have traits for their phases."""

import datetime as dt
import time
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Institution, InstitutionKind, User
from applications.models import ApplicationState
from calls.models import Call, CallCriterion, CallKind, Programme
from reviews.models import AssignmentState

DEFAULT_PASSWORD = "correct horse battery staple"
# The key of the authenticator app that staff and council accounts get (base32, as apps show it).
TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def support_letter_question(question_id="q-letter", required=False):
    """A call's question asking for a support letter in PDF, as a call's StreamField stores it."""
    return {
        "type": "file",
        "id": question_id,
        "value": {
            "label": "Lettre de soutien",
            "label_en": "Support letter",
            "help_text": "",
            "required": required,
            "accepted_types": ["pdf"],
            "max_size_mb": 10,
        },
    }


def totp_code(secret=TOTP_SECRET, step=0):
    """The code an authenticator app with `secret` shows now (step=1: the next 30 seconds', which
    allauth accepts with MFA_TOTP_TOLERANCE=1; a code is accepted once per window)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // 30 + step
    return format_hotp_value(hotp_value(secret, counter))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[Role.REVIEWER]) puts the user in those groups."""
        if create and extracted:
            from django.contrib.auth.models import Group

            for role in extracted:
                self.groups.add(Group.objects.get(name=role.value))
        if create:
            self.save()

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """Read in _after_postgeneration, once every role is given."""
        return extracted

    class Params:
        # A staff or council account that has not set up its second factor yet.
        without_second_factor = factory.Trait(second_factor=False)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        """Staff and council accounts get an authenticator app (TOTP_SECRET), as the platform
        requires of them; UserFactory(..., without_second_factor=True) makes one without."""
        super()._after_postgeneration(instance, create, results)
        from allauth.mfa.totp.internal.auth import TOTP

        from accounts.second_factor import needs_second_factor

        wanted = (results or {}).get("second_factor") is not False
        if create and wanted and needs_second_factor(instance):
            TOTP.activate(instance, TOTP_SECRET)
        instance.__dict__.pop("_needs_second_factor", None)  # roles may change in the test


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Université numéro {n}")
    acronym = factory.Sequence(lambda n: f"U{n}")
    kind = InstitutionKind.MEMBER
    city = "Paris"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"programme-{n}")
    title_fr = factory.Sequence(lambda n: f"Programme {n}")
    title_en = factory.Sequence(lambda n: f"Programme {n} (en)")
    summary_fr = "Résumé du programme."
    position = factory.Sequence(int)


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open by default: CallFactory(upcoming=True) or (closed=True) otherwise."""

    class Meta:
        model = Call

    title_fr = factory.Sequence(lambda n: f"Appel à projets {n}")
    title_en = factory.Sequence(lambda n: f"Call for projects {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    kind = CallKind.PROJECTS
    programme = factory.SubFactory(ProgrammeFactory)
    summary_fr = "Un appel pour numériser des corpus."
    summary_en = "A call to digitise corpora."
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    envelope = Decimal("400000.00")
    max_amount = Decimal("60000.00")
    live = True

    class Params:
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=40)),
        )
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)),
        )
        draft = factory.Trait(live=False)


class CallCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallCriterion

    call = factory.SubFactory(CallFactory)
    sort_order = factory.Sequence(int)
    name_fr = factory.Sequence(lambda n: f"Critère {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    scale_min = 0
    scale_max = 5


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by a lead on an open call; `complete=True` adds a team and a budget that pass.

    Traits for the states reviewing starts from: ApplicationFactory(submitted=True), (eligible=True)
    or (in_review=True), each complete and received the day before its call closed. Tests of the
    moves themselves go through the services."""

    class Meta:
        model = "applications.Application"
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    lead = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")

    class Params:
        complete = False
        submitted = factory.Trait(
            complete=True,
            state=ApplicationState.SUBMITTED,
            submitted_at=factory.LazyAttribute(lambda o: o.call.closes_at - dt.timedelta(days=1)),
        )
        eligible = factory.Trait(submitted=True, state=ApplicationState.ELIGIBLE)
        in_review = factory.Trait(submitted=True, state=ApplicationState.IN_REVIEW)

    # A parameter, not a post_generation hook, so that the traits below can ask for it.
    team_and_budget = factory.Maybe(
        "complete",
        yes_declaration=factory.PostGeneration(
            lambda app, create, *_, **__: create and completed(app)
        ),
    )


def completed(application):
    """A team and a budget that pass the submission checks (ApplicationFactory(complete=True))."""
    TeamMemberFactory(application=application, name="Chercheuse", role="researcher", is_lead=True)
    TeamMemberFactory(
        application=application, name="Bibliothécaire", role="documentation_professional"
    )
    BudgetLineFactory(application=application, amount_requested=Decimal("10000.00"))


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.TeamMember"

    application = factory.SubFactory(ApplicationFactory)
    name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"membre{n}@example.org")
    role = "researcher"
    is_lead = False


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "applications.BudgetLine"

    application = factory.SubFactory(ApplicationFactory)
    category = "staff"
    description = "Vacations de numérisation"
    amount_requested = Decimal("5000.00")
    cofunding = Decimal("0.00")


class DisciplineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Discipline"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"discipline-{n}")
    name_fr = factory.Sequence(lambda n: f"Discipline {n}")
    name_en = factory.Sequence(lambda n: f"Discipline {n} (en)")


def in_review_application(call=None, **kwargs):
    """A complete application, submitted and screened eligible (what reviewers receive), on a
    closed call unless one is given."""
    return ApplicationFactory(call=call or CallFactory(closed=True), eligible=True, **kwargs)


class ReviewerFactory(UserFactory):
    """A user with the reviewer role and a profile: ReviewerFactory(profile__keywords="...")."""

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        from accounts.roles import Role

        if create:
            for role in extracted or [Role.REVIEWER]:
                self.groups.add(Group.objects.get(name=role.value))
            self.save()

    profile = factory.RelatedFactory(
        "tests.factories.ReviewerProfileFactory", factory_related_name="user"
    )


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.ReviewerProfile"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    keywords = ""
    languages = ["fr", "en"]
    max_load = 8


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment, pending by default; AssignmentFactory(accepted=True) for an open dossier."""

    class Meta:
        model = "reviews.Assignment"

    application = factory.LazyFunction(in_review_application)
    reviewer = factory.SubFactory(ReviewerFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))

    class Params:
        accepted = factory.Trait(state=AssignmentState.ACCEPTED)


def decided_application(call=None, outcome="funded", amount=Decimal("8000.00"), **kwargs):
    """A reviewed application with a final decision written directly (no letter, no audit):
    decided_application(call, "reserve", reserve_rank=1). Tests of the rules themselves go
    through decisions.services."""
    from applications.models import ApplicationState

    application = in_review_application(call, **kwargs.pop("application", {}))
    application.state = ApplicationState.DECIDED
    application.save(update_fields=["state"])
    DecisionFactory(
        application=application,
        outcome=outcome,
        amount_granted=amount if outcome == "funded" else None,
        reserve_rank=kwargs.pop("reserve_rank", 1 if outcome == "reserve" else None),
        **kwargs,
    )
    application.refresh_from_db()
    return application


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "decisions.Decision"

    application = factory.LazyFunction(in_review_application)
    proposed_outcome = factory.SelfAttribute("outcome")
    outcome = "funded"
    amount_granted = Decimal("8000.00")
    motivation = "Projet solide, bien construit."
    meeting_date = factory.LazyFunction(lambda: timezone.localdate())
    decided_at = factory.LazyFunction(timezone.now)


class EnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "decisions.Envelope"

    programme = factory.SubFactory(ProgrammeFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    amount = Decimal("100000.00")


def joined_member(application, user, **row):
    """`user` named in the team of `application` (a row with their address) who accepted the
    lead's invitation, as applications.team records it: they may read the application."""
    from applications.models import TeamInvitation
    from applications.team import token_hash

    TeamMemberFactory(application=application, **{"email": user.email, **row})
    now = timezone.now()
    return TeamInvitation.objects.create(
        application=application,
        email=user.email.lower(),
        token_hash=token_hash(f"joined-{application.pk}-{user.pk}"),
        sent_at=now,
        accepted_by=user,
        accepted_at=now,
    )


def invited_to_team(application, email="membre@example.org", token="lien-d-invitation-de-test"):
    """A team row of `application` invited to join it, not answered yet (made once per token);
    returns the token of its link (applications.team keeps only the hash)."""
    from applications.models import TeamInvitation
    from applications.team import token_hash

    hashed = token_hash(token)
    if not TeamInvitation.objects.filter(token_hash=hashed).exists():  # asked once per page
        TeamMemberFactory(application=application, email=email)
        TeamInvitation.objects.create(
            application=application,
            email=email.lower(),
            token_hash=hashed,
            sent_at=timezone.now(),
        )
    return token


class ProjectFactory(factory.django.DjangoModelFactory):
    """A funded project written directly in the state it starts from (ProjectFactory(
    state="running", call=call, title="Corpus")), on a decided application of a closed call.
    Tests of the moves themselves go through projects.services."""

    class Meta:
        model = "projects.Project"

    class Params:
        call = factory.SubFactory(CallFactory, closed=True)
        title = None

    decision = factory.LazyAttribute(
        lambda o: (
            decided_application(
                o.call,
                amount=o.amount_granted,
                application={"title": o.title} if o.title else {},
            ).decision
        )
    )
    carrier = factory.SubFactory(InstitutionFactory)
    amount_granted = Decimal("8000.00")
    state = "agreement_preparation"


class ProjectReportFactory(factory.django.DjangoModelFactory):
    """A report a project owes, written directly: ProjectReportFactory(project=project,
    kind="interim", due_on=date, state="submitted")."""

    class Meta:
        model = "projects.ProjectReport"

    project = factory.SubFactory(ProjectFactory, state="running")
    kind = "interim"
    title_fr = factory.Sequence(lambda n: f"Rapport intermédiaire {n}")
    title_en = factory.Sequence(lambda n: f"Interim report {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=180))


def report_question(question_id="q-summary", kind="long_text", required=True, **value):
    """A report's question as a requirement's StreamField stores it (raw data)."""
    defaults = {"text": {"max_length": 255}, "long_text": {"max_words": 500}}.get(kind, {})
    return {
        "type": kind,
        "id": question_id,
        "value": {
            "label": "Avancement du projet",
            "label_en": "Progress of the project",
            "help_text": "",
            "required": required,
            **defaults,
            **value,
        },
    }


class CallReportFactory(factory.django.DjangoModelFactory):
    """A report the call's funded projects owe: CallReportFactory(call=call, kind="dmp",
    due_months=6, questions=[report_question()])."""

    class Meta:
        model = "calls.CallReport"

    call = factory.SubFactory(CallFactory, closed=True)
    kind = "interim"
    title_fr = factory.Sequence(lambda n: f"Rapport intermédiaire {n}")
    title_en = factory.Sequence(lambda n: f"Interim report {n}")
    due_months = 12
    due_from = "start"
    questions = factory.LazyFunction(lambda: [report_question()])


class DeliverableFactory(factory.django.DjangoModelFactory):
    """A deliverable a project declared, written directly: DeliverableFactory(project=project,
    kind="software", is_public=False)."""

    class Meta:
        model = "projects.Deliverable"

    project = factory.SubFactory(ProjectFactory, state="running")
    kind = "dataset"
    title = factory.Sequence(lambda n: f"Jeu de données {n}")
    identifier_scheme = "doi"
    identifier = factory.Sequence(lambda n: f"10.5281/zenodo.{1000 + n}")
    licence = "etalab-2.0"


def collection_record(institution=None, **changes):
    """A complete record of a collection (labels.records' shape), as a label application
    proposes it; `changes` replace its values."""
    institution = institution or InstitutionFactory()
    discipline = DisciplineFactory(code="histoire", name_fr="Histoire", name_en="History")
    record = {
        "name_fr": "Fonds d'histoire des sciences",
        "name_en": "History of science collection",
        "summary_fr": "Imprimés et manuscrits de savants des XVIIIe et XIXe siècles.",
        "summary_en": "Printed books and manuscripts of 18th and 19th-century scholars.",
        "institution": institution.pk,
        "service": "Bibliothèque universitaire",
        "disciplines": [discipline.code],
        "materials": ["manuscripts", "printed"],
        "languages": ["fr", "la"],
        "periods": ["early_modern", "nineteenth"],
        "size_linear_metres": "120.5",
        "size_volumes": 15000,
        "size_items": None,
        "access_fr": "Sur rendez-vous, en salle de lecture.",
        "access_en": "By appointment, in the reading room.",
        "links": {"calames": "https://calames.abes.fr/pub/#details?id=FileId-1"},
        "address": "1 place de la Sorbonne",
        "postcode": "75005",
        "city": "Paris",
        "region": "11",
        "latitude": "48.848400",
        "longitude": "2.343100",
    }
    record.update(changes)
    return record


def labelled_collection(
    record=None, lead=None, decided_on=None, months=60, announced=True, **changes
):
    """A collection labelled through the registry's service, as a "labelled" decision makes
    it: decided today (Paris) for `months` unless told otherwise, and announced (public) on
    its decision's day unless `announced` is False (its letter not sent yet)."""
    from common.formats import PARIS
    from labels.services import announce_label, label_collection

    labelled_collection.counter = getattr(labelled_collection, "counter", 0) + 1
    reference = f"LBL-TEST-{labelled_collection.counter:05d}-{time.monotonic_ns()}"
    decided_on = decided_on or timezone.now().astimezone(PARIS).date()
    collection = label_collection(
        record=record or collection_record(**changes),
        lead=lead or UserFactory(),
        reference=reference,
        decided_on=decided_on,
        months=months,
        call_title_fr="Campagne de labellisation CollEx",
        call_title_en="CollEx labelling campaign",
    )
    if announced:
        announce_label(reference, decided_on)
    return collection


def announced_periods(collections):
    """A first label period, announced on its first day, for each of `collections` made in
    bulk (not through the label service), so that they are public: a query count's data."""
    from labels.models import LabelPeriod, PeriodKind

    LabelPeriod.objects.bulk_create(
        LabelPeriod(
            collection_id=collection.pk,
            kind=PeriodKind.FIRST,
            starts_on=collection.labelled_since,
            expires_on=max(collection.expires_on, collection.labelled_since),
            reference=f"BULK-{collection.pk}",
            decided_on=collection.labelled_since,
            call_title_fr="Campagne de labellisation CollEx",
            announced_on=collection.labelled_since,
        )
        for collection in collections
    )
