"""The words a collection's record is described with: kinds of material, periods, languages,
regions (with the overseas territories) and the catalogues a collection is found in. Codes are
stored; the names are translated. Disciplines are the directory's (accounts.Discipline), shared
with reviewers and applications."""

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
    collectivities where the network's universities are (their INSEE code too)."""

    AUVERGNE_RHONE_ALPES = "84", "Auvergne-Rhône-Alpes"
    BOURGOGNE_FRANCHE_COMTE = "27", "Bourgogne-Franche-Comté"
    BRETAGNE = "53", "Bretagne"
    CENTRE_VAL_DE_LOIRE = "24", "Centre-Val de Loire"
    CORSE = "94", "Corse"
    GRAND_EST = "44", "Grand Est"
    HAUTS_DE_FRANCE = "32", "Hauts-de-France"
    ILE_DE_FRANCE = "11", "Île-de-France"
    NORMANDIE = "28", "Normandie"
    NOUVELLE_AQUITAINE = "75", "Nouvelle-Aquitaine"
    OCCITANIE = "76", "Occitanie"
    PAYS_DE_LA_LOIRE = "52", "Pays de la Loire"
    PROVENCE_ALPES_COTE_D_AZUR = "93", "Provence-Alpes-Côte d'Azur"
    GUADELOUPE = "01", "Guadeloupe"
    MARTINIQUE = "02", "Martinique"
    GUYANE = "03", "Guyane"
    LA_REUNION = "04", "La Réunion"
    MAYOTTE = "06", "Mayotte"
    POLYNESIE_FRANCAISE = "987", "Polynésie française"
    NOUVELLE_CALEDONIE = "988", "Nouvelle-Calédonie"


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
