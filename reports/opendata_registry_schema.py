"""The Table Schema of the registry of labelled collections (reports.opendata_registry): one row
per collection, expired labels included with their state; its columns are the JSON file's and
the API's keys, in this order. Written in French as the other schemas (reports.opendata_schema).

Nothing personal: no holder, no author of a change, no e-mail; the institution and its ROR
identifier, the collection's place and its public facts only.

A list (disciplines, kinds of material, languages, periods) is one cell of codes separated by
LIST_SEPARATOR; the JSON file and the API give it as an array. Each catalogue scheme has a
column of its own (link_<scheme>), so that a reuser needs no parsing.
"""

import datetime as dt

from labels.forms import LINK_EXAMPLES, link_field_name
from labels.status import LabelState
from labels.vocabularies import CatalogueScheme, Language, Material, Period, Region

from .opendata_schema import Column, Table, date, one_of, ror

LIST_SEPARATOR = ";"
CODE = r"^CX\d{4,}$"
SLUG_CODE = r"[-a-z0-9_]+"


def codes(choices) -> dict:
    """The constraint of a cell of codes of `choices`, separated by LIST_SEPARATOR."""
    one = "(" + "|".join(choices.values) + ")"
    return {"pattern": f"^{one}({LIST_SEPARATOR}{one})*$"}


def text(name, title, description, example, required=False):
    return Column(name, "string", title, description, example, required)


def size(name, title, unit, example, type_="integer"):
    return Column(
        name,
        type_,
        title,
        f"Taille de la collection en {unit}, quand elle est connue.",
        example,
        constraints={"minimum": 0},
    )


def coordinate(name, title, bound, example):
    return Column(
        name,
        "number",
        title,
        f"{title} du lieu de consultation, en degrés décimaux (WGS 84), le point comme "
        "séparateur décimal ; vide si elle n'est pas connue.",
        example,
        constraints={"minimum": -bound, "maximum": bound},
    )


def link(scheme):
    return Column(
        link_field_name(scheme),
        "string",
        LINK_DESCRIPTIONS[scheme][0],
        LINK_DESCRIPTIONS[scheme][1],
        LINK_EXAMPLES[scheme],
    )


# Each scheme's column: its title and its description.
LINK_DESCRIPTIONS = {
    CatalogueScheme.SUDOC: ("Sudoc", "Notice de la collection dans le Sudoc : son PPN."),
    CatalogueScheme.IDREF: ("IdRef", "Notice IdRef de la collection ou de son fonds : son PPN."),
    CatalogueScheme.CALAMES: ("Calames", "Adresse de sa description dans Calames."),
    CatalogueScheme.BNF: (
        "Catalogue de la BnF",
        "Identifiant ARK de sa notice au catalogue de la BnF (ark:/12148/...).",
    ),
    CatalogueScheme.FRANCEARCHIVES: (
        "FranceArchives",
        "Adresse de sa description dans FranceArchives.",
    ),
    CatalogueScheme.CARTOMUNDI: (
        "CartoMundi",
        "Adresse de sa description dans CartoMundi (cartes et plans).",
    ),
    CatalogueScheme.DIGITISATION: (
        "Plateforme de numérisation",
        "Adresse de la collection sur une plateforme de numérisation.",
    ),
    CatalogueScheme.CATALOGUE: (
        "Catalogue local",
        "Adresse de la collection dans un catalogue local.",
    ),
}

COLLECTIONS = Table(
    name="collections-labellisees",
    title="Collections labellisées CollEx",
    description="Le registre des collections d'excellence labellisées par le réseau à l'issue "
    "de ses campagnes de labellisation : nom et description en français et en anglais, "
    "établissement (avec son identifiant ROR) et service qui la conservent, disciplines, "
    "types de documents, langues, périodes, taille, conditions d'accès, catalogues, adresse et "
    "coordonnées, dates et état du label. Une ligne par collection, labels expirés compris. "
    f"Les listes de codes sont séparées par « {LIST_SEPARATOR} ». Aucune donnée personnelle.",
    version="1.0.0",
    created=dt.date(2026, 12, 5),
    modified=dt.date(2026, 12, 5),
    primary_key=("code",),
    columns=(
        Column(
            "code",
            "string",
            "Code de la collection",
            "Identifiant stable de la collection dans le registre (CX et son numéro) ; il ne "
            "change jamais, même si son nom change.",
            "CX0042",
            required=True,
            constraints={"unique": True, "pattern": CODE},
        ),
        Column(
            "page_url",
            "string",
            "Page de la collection",
            "Adresse de la page publique de la collection.",
            "https://example.org/collections/42/",
            required=True,
            format="uri",
        ),
        text("name_fr", "Nom", "Nom de la collection, en français.", "Fonds Jésuites", True),
        text("name_en", "Nom en anglais", "Vide s'il n'est pas traduit.", "Jesuit collection"),
        text(
            "summary_fr",
            "Description",
            "Ce que la collection contient et pourquoi les chercheurs y viennent.",
            "Bibliothèque de la Compagnie de Jésus, imprimés du XVIe au XXe siècle.",
            True,
        ),
        text(
            "summary_en",
            "Description en anglais",
            "Vide si elle n'est pas traduite.",
            "The library of the Society of Jesus, printed books from the 16th to 20th century.",
        ),
        text(
            "institution",
            "Établissement",
            "Établissement qui conserve la collection.",
            "Université Jean Moulin Lyon 3",
            True,
        ),
        ror("institution_ror", "ROR de l'établissement", "Quand il est connu."),
        text(
            "service",
            "Service",
            "Bibliothèque ou service d'archives qui conserve la collection.",
            "Bibliothèque diocésaine",
        ),
        Column(
            "disciplines",
            "string",
            "Disciplines",
            "Codes des disciplines de la collection, séparés par des points-virgules.",
            "histoire;philosophie",
            required=True,
            constraints={"pattern": f"^{SLUG_CODE}({LIST_SEPARATOR}{SLUG_CODE})*$"},
        ),
        text(
            "discipline_names_fr",
            "Noms des disciplines",
            "Noms des disciplines, en français, dans l'ordre des codes, séparés par des "
            "points-virgules.",
            "Histoire;Philosophie",
            True,
        ),
        text(
            "discipline_names_en",
            "Noms des disciplines en anglais",
            "Noms des disciplines, en anglais (en français quand ils ne sont pas traduits), "
            "dans l'ordre des codes, séparés par des points-virgules.",
            "History;Philosophy",
            True,
        ),
        Column(
            "materials",
            "string",
            "Types de documents",
            "printed (imprimés), periodicals (périodiques), manuscripts (manuscrits), archives, "
            "maps (cartes et plans), images (images, estampes, photographies), music "
            "(partitions), audiovisual (enregistrements audiovisuels), objects (objets et "
            "spécimens), born_digital (documents nativement numériques) ; séparés par des "
            "points-virgules.",
            "printed;manuscripts",
            required=True,
            constraints=codes(Material),
        ),
        Column(
            "languages",
            "string",
            "Langues",
            "Codes ISO 639 des langues des documents (mul : autres langues, cpf : créoles à "
            "base française), séparés par des points-virgules.",
            "fr;la",
            constraints=codes(Language),
        ),
        Column(
            "periods",
            "string",
            "Périodes",
            "antiquity (Antiquité), middle_ages (Moyen Âge), early_modern (époque moderne, "
            "XVIe-XVIIIe s.), nineteenth (XIXe s.), twentieth (XXe s.), contemporary (XXIe s.) ; "
            "séparées par des points-virgules.",
            "early_modern;nineteenth",
            constraints=codes(Period),
        ),
        size("size_linear_metres", "Mètres linéaires", "mètres linéaires", "120.5", "number"),
        size("size_volumes", "Volumes", "volumes", "15000"),
        size("size_items", "Pièces", "pièces (documents, objets)", "2500"),
        text(
            "access_fr",
            "Conditions d'accès",
            "Qui peut consulter la collection, où, sur rendez-vous ou non.",
            "Sur rendez-vous, en salle de lecture.",
        ),
        text(
            "access_en",
            "Conditions d'accès en anglais",
            "Vide si elles ne sont pas traduites.",
            "By appointment, in the reading room.",
        ),
        *(link(scheme) for scheme in CatalogueScheme),
        text("address", "Adresse", "Adresse du lieu de consultation.", "1 place de la Sorbonne"),
        text("postcode", "Code postal", "Code postal du lieu de consultation.", "75005"),
        text("city", "Commune", "Commune du lieu de consultation.", "Paris", True),
        Column(
            "region",
            "string",
            "Code de la région",
            "Code INSEE de la région (outre-mer compris) ou de la collectivité d'outre-mer.",
            "11",
            required=True,
            constraints=one_of(Region),
        ),
        text("region_name", "Région", "Nom de la région.", "Île-de-France", True),
        coordinate("latitude", "Latitude", 90, "48.848400"),
        coordinate("longitude", "Longitude", 180, "2.343100"),
        date(
            "labelled_since",
            "Labellisée depuis",
            "Premier jour de son premier label.",
            "2022-06-15",
            required=True,
        ),
        date(
            "valid_until",
            "Label valable jusqu'au",
            "Dernier jour du label en cours ou, s'il a expiré, du dernier label.",
            "2027-06-30",
            required=True,
        ),
        Column(
            "state",
            "string",
            "État du label",
            "labelled (labellisée), ending_soon (label qui prend fin dans les six mois : "
            "renouvellement attendu), expired (label expiré), le jour où le fichier est produit.",
            "labelled",
            required=True,
            constraints=one_of(LabelState),
        ),
    ),
)
