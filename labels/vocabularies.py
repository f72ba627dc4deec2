"""The words a collection's record is described with: kinds of material, periods, languages,
regions (with the overseas territories) and the catalogues a collection is found in. Codes are
stored; the names are translated. Disciplines are the directory's (accounts.Discipline), shared
with reviewers and applications."""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class Material(models.TextChoices):
    PRINTED = "printed", _("Printed books")
    PERIODICALS = "periodicals", _("Periodicals")
    MANUSCRIPTS = "manuscripts", _("Manuscripts")
    ARCHIVES = "archives", _("Archives")
    MAPS = "maps", _("Maps and plans")
    IMAGES = "images", _("Images, prints and photographs")
    MUSIC = "music", _("Sheet music")
    AUDIOVISUAL = "audiovisual", _("Audio-visual recordings")
    OBJECTS = "objects", _("Objects and specimens")
    BORN_DIGITAL = "born_digital", _("Born-digital material")


class Period(models.TextChoices):
    ANTIQUITY = "antiquity", _("Antiquity")
    MIDDLE_AGES = "middle_ages", _("Middle Ages")
    EARLY_MODERN = "early_modern", _("Early modern period (16th-18th c.)")
    NINETEENTH = "nineteenth", _("19th century")
    TWENTIETH = "twentieth", _("20th century")
    CONTEMPORARY = "contemporary", _("21st century")


class Language(models.TextChoices):
    """ISO 639 codes of the languages collections are written in."""

    FRENCH = "fr", _("French")
    LATIN = "la", _("Latin")
    ANCIENT_GREEK = "grc", _("Ancient Greek")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    ITALIAN = "it", _("Italian")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    ARABIC = "ar", _("Arabic")
    HEBREW = "he", _("Hebrew")
    RUSSIAN = "ru", _("Russian")
    CHINESE = "zh", _("Chinese")
    JAPANESE = "ja", _("Japanese")
    OCCITAN = "oc", _("Occitan")
    BRETON = "br", _("Breton")
    CREOLE = "cpf", _("French-based creoles")
    OTHER = "mul", _("Other languages")


class Region(models.TextChoices):
    """The regions of France by their INSEE code, the overseas ones included, and the overseas
    collectivities where the network's universities are (their INSEE code too). Their names
    are translated: sort them where a list is built (by_name()), never at import."""

    AUVERGNE_RHONE_ALPES = "84", _("Auvergne-Rhône-Alpes")
    BOURGOGNE_FRANCHE_COMTE = "27", _("Bourgogne-Franche-Comté")
    BRETAGNE = "53", _("Brittany")
    CENTRE_VAL_DE_LOIRE = "24", _("Centre-Val de Loire")
    CORSE = "94", _("Corsica")
    GRAND_EST = "44", _("Grand Est")
    HAUTS_DE_FRANCE = "32", _("Hauts-de-France")
    ILE_DE_FRANCE = "11", _("Île-de-France")
    NORMANDIE = "28", _("Normandy")
    NOUVELLE_AQUITAINE = "75", _("Nouvelle-Aquitaine")
    OCCITANIE = "76", _("Occitania")
    PAYS_DE_LA_LOIRE = "52", _("Pays de la Loire")
    PROVENCE_ALPES_COTE_D_AZUR = "93", _("Provence-Alpes-Côte d'Azur")
    GUADELOUPE = "01", _("Guadeloupe")
    MARTINIQUE = "02", _("Martinique")
    GUYANE = "03", _("French Guiana")
    LA_REUNION = "04", _("Réunion")
    MAYOTTE = "06", _("Mayotte")
    POLYNESIE_FRANCAISE = "987", _("French Polynesia")
    NOUVELLE_CALEDONIE = "988", _("New Caledonia")


def region_choices():
    """The regions, sorted by their name in the active language."""
    return by_name(Region.choices)


def by_name(choices):
    """`choices` (code, name) sorted by their name in the active language, accents aside
    (Île-de-France among the I's): call it when a form or a filter is built."""
    return sorted(choices, key=lambda choice: collation_key(str(choice[1])))


def collation_key(name):
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


# The regions drawn in an inset of the map rather than on the outline of mainland France.
OVERSEAS = frozenset({"01", "02", "03", "04", "06", "987", "988"})


class CatalogueScheme(models.TextChoices):
    """Where a collection is described or can be read; each kind of link is given at most once
    (labels.records checks the value's form)."""

    SUDOC = "sudoc", _("Sudoc (PPN)")
    IDREF = "idref", _("IdRef (PPN)")
    CALAMES = "calames", _("Calames")
    BNF = "bnf", _("BnF catalogue (ARK)")
    FRANCEARCHIVES = "francearchives", _("FranceArchives")
    CARTOMUNDI = "cartomundi", _("CartoMundi")
    DIGITISATION = "digitisation", _("Digitisation platform")
    CATALOGUE = "catalogue", _("Local catalogue")
