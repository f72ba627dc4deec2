"""The form of a collection's record: a label application's proposed record, a holder's or
staff's edit. It turns typed values into the plain record of labels.records and back."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Discipline, Institution
from common.forms import DecimalField
from common.identifiers import normalise_ark, normalise_ppn

from .geodata.frames import frame_of
from .records import DECIMALS, KEYS, VOCABULARIES
from .vocabularies import CatalogueScheme, Region, region_choices

# The host a link of each kind must point to; None: any https address.
LINK_HOSTS = {
    CatalogueScheme.CALAMES: "calames.abes.fr",
    CatalogueScheme.FRANCEARCHIVES: "francearchives.gouv.fr",
    CatalogueScheme.CARTOMUNDI: "cartomundi.fr",
    CatalogueScheme.DIGITISATION: None,
    CatalogueScheme.CATALOGUE: None,
}
LINK_EXAMPLES = {
    CatalogueScheme.SUDOC: "027051900",
    CatalogueScheme.IDREF: "034599916",
    CatalogueScheme.CALAMES: "https://calames.abes.fr/pub/#details?id=FileId-1234",
    CatalogueScheme.BNF: "ark:/12148/cb11960787f",
    CatalogueScheme.FRANCEARCHIVES: "https://francearchives.gouv.fr/fr/facomponent/abc",
    CatalogueScheme.CARTOMUNDI: "https://www.cartomundi.fr/site/E01.aspx?FC=12345",
    CatalogueScheme.DIGITISATION: "https://bibnum.example.org/collection",
    CatalogueScheme.CATALOGUE: "https://catalogue.example.org/fonds",
}


def link_field_name(scheme):
    return f"link_{scheme}"


def normalise_link(scheme, value):
    """A catalogue link or identifier in its one written form, or a ValidationError that says
    the expected form with an example."""
    value = (value or "").strip()
    if scheme in (CatalogueScheme.SUDOC, CatalogueScheme.IDREF):
        return normalise_ppn(value.replace("https://www.idref.fr/", "").replace("idref.fr/", ""))
    if scheme == CatalogueScheme.BNF:
        value = normalise_ark(value)
        if not value.startswith("ark:/12148/"):
            raise ValidationError(
                _("A BnF ARK begins with ark:/12148/, such as %(example)s."),
                code="bnf_ark",
                params={"example": LINK_EXAMPLES[CatalogueScheme.BNF]},
            )
        return value
    refusal = ValidationError(
        _("Give the address that begins with https://, such as %(example)s."),
        code="link",
        params={"example": LINK_EXAMPLES[scheme]},
    )
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError:
        raise refusal from None
    host = LINK_HOSTS[scheme]
    found = (urlsplit(value).hostname or "").lower()
    if host and not (found == host or found.endswith("." + host)):
        raise ValidationError(
            _("This address is not on %(host)s, such as %(example)s."),
            code="link_host",
            params={"host": host, "example": LINK_EXAMPLES[scheme]},
        )
    return value


class RecordForm(forms.Form):
    name_fr = forms.CharField(label=_("Name"), max_length=255)
    name_en = forms.CharField(label=_("Name in English"), max_length=255, required=False)
    summary_fr = forms.CharField(
        label=_("Description"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the collection holds and why researchers come to it."),
    )
    summary_en = forms.CharField(
        label=_("Description in English"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    institution = forms.ModelChoiceField(
        label=_("Holding institution"), queryset=Institution.objects.all()
    )
    service = forms.CharField(label=_("Library or archive service"), max_length=255, required=False)
    disciplines = forms.ModelMultipleChoiceField(
        label=_("Disciplines"),
        queryset=Discipline.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    materials = forms.MultipleChoiceField(
        label=_("Kinds of material"),
        choices=VOCABULARIES["materials"].choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=VOCABULARIES["languages"].choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    periods = forms.MultipleChoiceField(
        label=_("Periods"),
        choices=VOCABULARIES["periods"].choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    size_linear_metres = DecimalField(
        label=_("Size (linear metres)"),
        required=False,
        max_digits=9,
        decimal_places=1,
        min_value=0,
    )
    size_volumes = forms.IntegerField(label=_("Size (volumes)"), required=False, min_value=0)
    size_items = forms.IntegerField(label=_("Size (items)"), required=False, min_value=0)
    access_fr = forms.CharField(
        label=_("Access conditions"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who may consult it, where, by appointment or not."),
    )
    access_en = forms.CharField(
        label=_("Access conditions in English"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)  # sorted when built
    latitude = DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("In decimal degrees, such as 48.8566. Places the collection on the map."),
    )
    longitude = DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("In decimal degrees, such as 2.3522 (west of Greenwich is negative)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Choose a region")), *region_choices()]
        for scheme in CatalogueScheme:
            self.fields[link_field_name(scheme)] = forms.CharField(
                label=scheme.label,
                max_length=500,
                required=False,
                help_text=_("Such as %(example)s") % {"example": LINK_EXAMPLES[scheme]},
            )

    @classmethod
    def data_of(cls, record):
        """Form data (as a POST would carry it) for a plain record, to check or pre-fill."""
        record = record or {}
        data = {}
        for key in KEYS:
            value = record.get(key)
            if key == "links":
                for scheme, link in (value or {}).items():
                    data[link_field_name(scheme)] = link
            elif isinstance(value, list):
                data[key] = value
            elif value is not None:
                data[key] = str(value)
        return data

    def clean(self):
        cleaned = super().clean()
        for scheme in CatalogueScheme:
            name = link_field_name(scheme)
            if cleaned.get(name):
                try:
                    cleaned[name] = normalise_link(scheme, cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        has_latitude = cleaned.get("latitude") is not None
        has_longitude = cleaned.get("longitude") is not None
        if has_latitude != has_longitude:
            missing = "longitude" if has_latitude else "latitude"
            self.add_error(missing, _("Give both the latitude and the longitude, or neither."))
        elif has_latitude and cleaned.get("region"):
            self.check_point_in_region(cleaned)
        return cleaned

    def check_point_in_region(self, cleaned):
        """A point outside its region's frame of the map (swapped or mistyped coordinates, a
        sign forgotten) is refused beside both coordinates, rather than drawn far away."""
        region = cleaned["region"]
        if frame_of(region).holds(float(cleaned["longitude"]), float(cleaned["latitude"])):
            return
        error = ValidationError(
            _(
                "This point is not in %(region)s: check the latitude and the longitude "
                "(not swapped?)."
            ),
            code="point_outside_region",
            params={"region": Region(region).label},
        )
        self.add_error("latitude", error)
        self.add_error("longitude", error)

    def groups(self):
        """The form's fields in RECORD_GROUPS, as [(legend, [bound fields])], for the partial
        labels/record_form_fields.html."""
        return [(legend, [self[name] for name in names]) for legend, names in RECORD_GROUPS]

    def record(self) -> dict:
        """The checked record as plain values (labels.records' shape)."""
        data = self.cleaned_data
        record = {
            key: data.get(key)
            for key in KEYS
            if key not in ("institution", "disciplines", "links", *DECIMALS)
        }
        record["institution"] = data["institution"].pk
        record["disciplines"] = sorted(d.code for d in data["disciplines"])
        for key in ("materials", "languages", "periods"):
            record[key] = sorted(data.get(key) or [])
        for key in DECIMALS:
            record[key] = None if data.get(key) is None else str(data[key])
        record["links"] = {
            str(scheme): data[link_field_name(scheme)]
            for scheme in CatalogueScheme
            if data.get(link_field_name(scheme))
        }
        return record


# The record form's fields in groups, each a fieldset with its legend, on the applicants' and
# the holders' pages alike.
RECORD_GROUPS = (
    (gettext_lazy("Name and description"), ("name_fr", "name_en", "summary_fr", "summary_en")),
    (gettext_lazy("Holding institution"), ("institution", "service")),
    (
        gettext_lazy("Contents"),
        (
            "disciplines",
            "materials",
            "languages",
            "periods",
            "size_linear_metres",
            "size_volumes",
            "size_items",
        ),
    ),
    (gettext_lazy("Access"), ("access_fr", "access_en")),
    (
        gettext_lazy("Catalogues and identifiers"),
        tuple(link_field_name(scheme) for scheme in CatalogueScheme),
    ),
    (
        gettext_lazy("Location"),
        ("address", "postcode", "city", "region", "latitude", "longitude"),
    ),
)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address of the person to invite"),
        help_text=gettext_lazy(
            "They receive a personal link, valid for 30 days, to accept with an account of "
            "that address."
        ),
    )
