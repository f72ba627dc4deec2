"""The Table Schemas (schema.json) of the open data files, as schema.data.gouv.fr publishes them:
one per file, its fields with name, title, description, type, format, constraints and example, the
schema's own name, title, description, version, licence and contributors. The columns of each
file are read from here (reports.opendata.COLUMNS...): a file and its schema cannot disagree.

Written in French, as the schemas of schema.data.gouv.fr are; column names stay in English as the
files and the API have always had them. Where the SCDL « subventions » schema
(schema.data.gouv.fr/scdl/subventions) has a field for the same fact, the field's description
names it: grantor (nomAttribuant), agreement date (dateConvention), beneficiary
(nomBeneficiaire), amount (montant), payment conditions (conditionsVersement) and period
(datesPeriodeVersement). The SCDL's SIRET numbers are not known here: institutions are
identified by their ROR identifier. The projects schema's own description gives the whole
mapping. payment_conditions keeps its codes single / instalments rather than the SCDL's
« unique » / « échelonné »: the JSON API (v1) publishes the same codes and a file reads as the
API does, so the description maps them instead of breaking the API's contract.

Change a column, its type or its constraints: raise the table's `version` (semantic versioning:
a new column is a minor change, a removed or renamed one a major change, a description or an
example a patch).
"""

import datetime as dt
from dataclasses import dataclass, field

from calls.models import CallKind, CallPhase, DeliverableKind
from common.identifiers import ROR_RE
from projects.models import IdentifierScheme, Licence, ProjectState

TABLE_SCHEMA = "https://frictionlessdata.io/schemas/table-schema.json"
REFERENCE = r"^\d{3,}-\d{5,}$"
DATE_PERIOD = r"^\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?$"
SLUG = r"^[-a-zA-Z0-9_]+$"
# A list in one cell: its codes separated by this (as the registry's files do).
LIST_SEPARATOR = ";"
COLLECTION_CODE = r"CX\d{4,}"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number, date, datetime
    title: str
    description: str
    example: str
    required: bool = False
    format: str = ""
    constraints: dict = field(default_factory=dict)

    def as_field(self):
        described = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "type": self.type,
            "example": self.example,
        }
        if self.format:
            described["format"] = self.format
        constraints = {"required": True} if self.required else {}
        described["constraints"] = constraints | self.constraints
        return described


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    version: str
    created: dt.date
    modified: dt.date
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]

    @property
    def column_names(self):
        return tuple(column.name for column in self.columns)

    def as_schema(self, path, homepage, publisher, licence, data):
        """The schema.json document: `path` its own address, `homepage` the page of the data,
        `data` the file's address, given as its example resource."""
        return {
            "$schema": TABLE_SCHEMA,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "countryCode": "FR",
            "homepage": homepage,
            "path": path,
            "version": self.version,
            "created": self.created.isoformat(),
            "lastModified": self.modified.isoformat(),
            "licenses": [
                {"title": licence["name"], "name": licence["spdx"], "path": licence["url"]}
            ],
            "contributors": [{"title": publisher, "role": "author"}],
            "resources": [{"title": f"Fichier publié : {self.title.lower()}", "path": data}],
            "fields": [column.as_field() for column in self.columns],
            "primaryKey": list(self.primary_key),
            "missingValues": [""],
        }


def one_of(choices):
    return {"enum": list(choices.values)}


def ror(name, title, description):
    return Column(
        name,
        "string",
        title,
        description + " Identifiant ROR (https://ror.org/<identifiant>).",
        "04v0snf24",
        constraints={"pattern": ROR_RE.pattern},
    )


def date(name, title, description, example, required=False):
    return Column(name, "date", title, description, example, required)


FUNDED_PROJECTS = Table(
    name="projets-finances",
    title="Projets financés",
    description="Les projets financés par le réseau à l'issue de ses appels et annoncés (lettre "
    "de financement envoyée ou date de publication venue) : appel, programme, établissements, "
    "montant accordé, dates, état et conditions de versement. Une ligne par projet. "
    "Correspondance avec le schéma SCDL « subventions » (schema.data.gouv.fr/scdl/subventions) : "
    "nomAttribuant = grantor_name ; idAttribuant : pas de colonne (le réseau n'a pas de SIRET) ; "
    "dateConvention = agreement_signed_on ; nomBeneficiaire = beneficiary_name ; "
    "idBeneficiaire = beneficiary_ror (un identifiant ROR au lieu d'un SIRET) ; "
    "montant = amount_granted ; nature : pas de colonne, toujours « aide en numéraire » ; "
    "conditionsVersement = payment_conditions, codé single = « unique », "
    "instalments = « échelonné » ; datesPeriodeVersement = payment_period.",
    version="1.1.0",
    created=dt.date(2026, 12, 4),
    modified=dt.date(2026, 12, 5),
    primary_key=("id",),
    columns=(
        Column(
            "id",
            "string",
            "Référence du projet",
            "Identifiant stable du projet : la référence de sa candidature (numéro de l'appel, "
            "numéro de la candidature). Il ne change jamais, même si le titre change.",
            "003-00042",
            required=True,
            constraints={"unique": True, "pattern": REFERENCE},
        ),
        Column("title", "string", "Titre", "Titre du projet.", "Carnets de l'abbé Grégoire", True),
        Column("call", "string", "Appel", "Titre de l'appel, en français.", "Appel Corpus", True),
        Column(
            "call_slug",
            "string",
            "Identifiant de l'appel",
            "Identifiant stable de l'appel, tel que l'API le donne (/api/v1/calls/<identifiant>/).",
            "corpus-2025",
            required=True,
            constraints={"pattern": SLUG},
        ),
        Column(
            "programme",
            "string",
            "Programme",
            "Code du programme de la feuille de route ; vide pour un appel transversal.",
            "digitisation",
        ),
        Column(
            "year",
            "integer",
            "Année",
            "Année de la date limite de l'appel, à l'heure de Paris.",
            "2025",
            required=True,
            constraints={"minimum": 1000, "maximum": 9999},
        ),
        Column(
            "lead_institution",
            "string",
            "Établissement porteur",
            "Établissement de la personne qui porte le projet.",
            "Bibliothèque nationale de France",
        ),
        ror("lead_institution_ror", "ROR de l'établissement porteur", "Quand il est connu."),
        Column(
            "amount_granted",
            "number",
            "Montant accordé",
            "Montant total de l'aide accordée, en euros, le point comme séparateur décimal "
            "(SCDL subventions : montant). Il suit les avenants qui le modifient.",
            "12500.50",
            required=True,
            constraints={"minimum": 0},
        ),
        Column(
            "currency",
            "string",
            "Devise",
            "Code ISO 4217 de la devise.",
            "EUR",
            required=True,
            constraints={"enum": ["EUR"]},
        ),
        Column("summary", "string", "Résumé", "Résumé du projet par ses porteurs.", "Numériser…"),
        date("decided_on", "Date de décision", "Date de la séance qui a décidé.", "2025-06-12"),
        Column(
            "page_url",
            "string",
            "Page du projet",
            "Adresse de la page publique du projet.",
            "https://example.org/projets-finances/003-00042/",
            required=True,
            format="uri",
        ),
        Column(
            "state",
            "string",
            "État",
            "État du projet : agreement_preparation (convention en préparation), "
            "agreement_signed (convention signée), running (en cours), closing (en clôture), "
            "closed (clos), suspended (suspendu), terminated (résilié). Vide tant que la lettre "
            "de financement n'est pas envoyée.",
            "running",
            constraints=one_of(ProjectState),
        ),
        date(
            "agreement_signed_on",
            "Date de la convention",
            "Date de signature de la convention attributive (SCDL subventions : dateConvention).",
            "2025-09-01",
        ),
        date("start_date", "Date de début", "Premier jour du projet.", "2025-10-01"),
        date(
            "end_date",
            "Date de fin",
            "Dernier jour du projet, prolongations comprises.",
            "2027-09-30",
        ),
        Column(
            "grantor_name",
            "string",
            "Attribuant",
            "Nom du réseau qui accorde l'aide (SCDL subventions : nomAttribuant).",
            "CollEx-Persée",
            required=True,
        ),
        Column(
            "beneficiary_name",
            "string",
            "Bénéficiaire",
            "Établissement gestionnaire qui reçoit l'aide (porteur administratif ; SCDL "
            "subventions : nomBeneficiaire). Vide tant qu'il n'est pas désigné.",
            "Université de Strasbourg",
        ),
        ror(
            "beneficiary_ror",
            "ROR du bénéficiaire",
            "Identifiant du bénéficiaire (le SCDL demande un SIRET : idBeneficiaire).",
        ),
        Column(
            "payment_conditions",
            "string",
            "Conditions de versement",
            "single : versement unique ; instalments : versement échelonné (SCDL subventions : "
            "conditionsVersement, « unique » ou « échelonné »). Vide tant que l'échéancier "
            "n'est pas établi.",
            "instalments",
            constraints={"enum": ["single", "instalments"]},
        ),
        Column(
            "payment_period",
            "string",
            "Date ou période de versement",
            "Date prévue du versement unique, ou période AAAA-MM-JJ/AAAA-MM-JJ des versements "
            "échelonnés (SCDL subventions : datesPeriodeVersement).",
            "2025-10-15/2027-03-31",
            constraints={"pattern": DATE_PERIOD},
        ),
        Column(
            "collections",
            "string",
            "Collections labellisées",
            "Codes des collections labellisées CollEx sur lesquelles le projet a travaillé "
            f"(registre des collections labellisées), séparés par « {LIST_SEPARATOR} ». "
            "Vide si le projet n'en nomme aucune.",
            "CX0007;CX0042",
            constraints={"pattern": f"^{COLLECTION_CODE}({LIST_SEPARATOR}{COLLECTION_CODE})*$"},
        ),
    ),
)

DELIVERABLES = Table(
    name="livrables-projets-finances",
    title="Livrables des projets financés",
    description="Les livrables publics (jeux de données, corpus numérisés, logiciels, "
    "publications, outils) déclarés par les projets financés annoncés, avec leur identifiant "
    "pérenne et leur licence. Une ligne par livrable.",
    version="1.0.1",
    created=dt.date(2026, 12, 4),
    modified=dt.date(2026, 12, 4),
    primary_key=("id",),
    columns=(
        Column(
            "id",
            "integer",
            "Identifiant du livrable",
            "Identifiant stable du livrable.",
            "17",
            required=True,
            constraints={"unique": True, "minimum": 1},
        ),
        Column(
            "project_id",
            "string",
            "Référence du projet",
            "La référence du projet (colonne id du fichier des projets financés).",
            "003-00042",
            required=True,
            constraints={"pattern": REFERENCE},
        ),
        Column(
            "kind",
            "string",
            "Nature",
            "dataset (jeu de données), corpus (corpus numérisé), software (logiciel), "
            "publication, tool (outil ou service), other (autre).",
            "dataset",
            required=True,
            constraints=one_of(DeliverableKind),
        ),
        Column("title", "string", "Titre", "Titre du livrable.", "Herbier numérisé", True),
        Column(
            "description",
            "string",
            "Description",
            "Description du livrable.",
            "Planches de l'herbier numérisées en 600 dpi, avec leurs métadonnées.",
        ),
        Column(
            "identifier_scheme",
            "string",
            "Type d'identifiant",
            "doi, hal, ark, handle, swhid (Software Heritage), ppn (Sudoc) ou url (adresse web "
            "seulement).",
            "doi",
            required=True,
            constraints=one_of(IdentifierScheme),
        ),
        Column("identifier", "string", "Identifiant pérenne", "Sans résolveur.", "10.5281/1234"),
        Column(
            "url",
            "string",
            "Adresse",
            "Adresse où le consulter : le résolveur de son identifiant, sinon l'adresse donnée.",
            "https://doi.org/10.5281/1234",
            format="uri",
        ),
        Column(
            "licence",
            "string",
            "Licence",
            "Identifiant SPDX de la licence (etalab-2.0 pour la Licence Ouverte), other (autre "
            "licence) ou all-rights-reserved (tous droits réservés).",
            "CC-BY-4.0",
            required=True,
            constraints=one_of(Licence),
        ),
        date("declared_on", "Date de déclaration", "Date où le projet l'a déclaré.", "2026-03-02"),
    ),
)

CALLS = Table(
    name="appels-a-projets",
    title="Appels du réseau",
    description="Les appels publiés par le réseau (appels à projets, à manifestation "
    "d'intérêt, résidences, incubateur, bourses de mobilité, labellisation) : dates, phase, "
    "enveloppe et montant maximal. Une ligne par appel.",
    version="1.0.1",
    created=dt.date(2026, 12, 4),
    modified=dt.date(2026, 12, 4),
    primary_key=("slug",),
    columns=(
        Column(
            "slug",
            "string",
            "Identifiant de l'appel",
            "Identifiant stable de l'appel.",
            "corpus-2025",
            required=True,
            constraints={"unique": True, "pattern": SLUG},
        ),
        Column(
            "title_fr", "string", "Titre", "Titre de l'appel, en français.", "Appel Corpus", True
        ),
        Column(
            "title_en", "string", "Titre en anglais", "Vide s'il n'est pas traduit.", "Corpus call"
        ),
        Column(
            "kind",
            "string",
            "Type d'appel",
            "Code du type d'appel.",
            "projects",
            True,
            constraints=one_of(CallKind),
        ),
        Column(
            "programme",
            "string",
            "Programme",
            "Code du programme ; vide : transversal.",
            "digitisation",
        ),
        Column(
            "opens_at",
            "datetime",
            "Ouverture",
            "Date et heure d'ouverture (UTC).",
            "2025-01-15T09:00:00+00:00",
            True,
        ),
        Column(
            "closes_at",
            "datetime",
            "Date limite",
            "Date et heure limite (UTC).",
            "2025-03-01T11:00:00+00:00",
            True,
        ),
        Column(
            "phase",
            "string",
            "Phase",
            "Phase de l'appel quand le fichier a été produit.",
            "open",
            True,
            constraints=one_of(CallPhase),
        ),
        Column(
            "envelope",
            "number",
            "Enveloppe",
            "Enveloppe budgétaire, en euros.",
            "150000.00",
            True,
            constraints={"minimum": 0},
        ),
        Column(
            "max_amount",
            "number",
            "Montant maximal",
            "Montant maximal par candidature, en euros.",
            "30000.00",
            True,
            constraints={"minimum": 0},
        ),
        Column(
            "url",
            "string",
            "Page de l'appel",
            "Adresse de la page publique de l'appel.",
            "https://example.org/appels/corpus-2025/",
            True,
            format="uri",
        ),
    ),
)
