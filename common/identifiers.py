"""Persistent identifiers: their syntax, their checksums, one written form and a link.

People (ORCID), institutions (ROR) and what funded projects produce (DOI, HAL, ARK, Handle,
Software Heritage SWHID, Sudoc PPN). Each `normalise_<scheme>` accepts what people paste (the
bare identifier, a prefix such as "doi:", a resolver's address) and returns the identifier in
one written form, so that the same thing typed twice is stored once; or raises a
ValidationError that names the expected form with an example. `SCHEMES` says, per scheme, how
to normalise, an example and the resolver link; `normalise(scheme, value)` and `link(scheme,
value)` are what forms and pages use. Only the syntax is checked: nothing is asked of a
resolver.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# People and institutions

ORCID_RE = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
ROR_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base 32, as ROR uses it
ROR_RE = re.compile(r"^0[" + ROR_ALPHABET + r"]{6}\d{2}$")
ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
ROR_PREFIXES = ("https://ror.org/", "http://ror.org/", "ror.org/")


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11,2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """Return the ORCID iD as 0000-0000-0000-0000, accepting a full https://orcid.org/ URL."""
    value = _without_prefix(_cleaned(value).upper(), ORCID_PREFIXES)
    match = ORCID_RE.match(value)
    if not match:
        raise ValidationError(
            _("An ORCID iD has 16 characters in four groups, such as 0000-0002-1825-0097."),
            code="orcid_format",
        )
    value = "-".join(match.groups())
    digits = value.replace("-", "")
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD is not valid: its last character does not match. Check for a typo."),
            code="orcid_checksum",
        )
    return value


def validate_orcid(value: str) -> None:
    normalise_orcid(value)


def ror_checksum(base: str) -> str:
    number = 0
    for char in base:
        number = number * 32 + ROR_ALPHABET.index(char)
    return str(98 - (number * 100) % 97).zfill(2)


def normalise_ror(value: str) -> str:
    """Return the ROR identifier as its nine characters, accepting a full https://ror.org/ URL."""
    value = _without_prefix(_cleaned(value).lower(), ROR_PREFIXES)
    if not ROR_RE.match(value):
        raise ValidationError(
            _("A ROR identifier has nine characters, such as 02feahw73."), code="ror_format"
        )
    if ror_checksum(value[:7]) != value[7:]:
        raise ValidationError(
            _("This ROR identifier is not valid: its last two digits do not match."),
            code="ror_checksum",
        )
    return value


def validate_ror(value: str) -> None:
    normalise_ror(value)


# What projects produce

# DOIs are case-insensitive (the DOI Handbook, 3.4): stored in lower case, so that one DOI
# typed in two cases is one.
DOI_RE = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi.org/",
    "doi:",
)


def normalise_doi(value: str) -> str:
    """10.5281/zenodo.1234567 from itself, doi:10.5281/..., or https://doi.org/10.5281/..."""
    value = _without_prefix(_cleaned(value).lower(), DOI_PREFIXES).strip()
    if not DOI_RE.match(value):
        raise _malformed(
            _("A DOI starts with 10., a number, a slash and its suffix, such as %(example)s."),
            "doi",
        )
    return value


# A HAL identifier: a portal's prefix (hal, tel, halshs, inria, dumas...), a dash, eight digits,
# then maybe a version (v2). Old ones used an underscore (sic_00001234).
HAL_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*[-_]\d{8}(?:v\d{1,3})?$")
HAL_HOST_RE = re.compile(
    r"^https?://(?:[a-z0-9-]+\.)*(?:hal\.science|hal\.archives-ouvertes\.fr)/([^/?#]+)"
)


def normalise_hal(value: str) -> str:
    """hal-01234567 (or tel-, halshs-... with maybe v2) from itself or its HAL address."""
    value = _cleaned(value).lower()
    found = HAL_HOST_RE.match(value)
    if found:
        value = found.group(1)
    if not HAL_RE.match(value):
        raise _malformed(
            _(
                "A HAL identifier is a portal's prefix, a dash and eight digits, maybe with "
                "a version, such as %(example)s."
            ),
            "hal",
        )
    return value


# An ARK: a NAAN (the institution: five betanumeric characters, digits or consonants but l,
# as the ARK specification allows, such as 12148 or b5072) and a name. Stored as
# ark:/naan/name, the NAAN in lower case, the form resolvers (n2t.net, ark.bnf.fr) accept.
ARK_RE = re.compile(r"^ark:/?([0-9bcdfghjkmnpqrstvwxz]{5})/([0-9A-Za-z=~*+@_$./%-]+)$", re.I)


def normalise_ark(value: str) -> str:
    """ark:/12148/cb11960787f from itself, ark:12148/..., or a resolver's address."""
    value = _cleaned(value)
    start = value.lower().find("ark:")
    if start > 0 and value.lower().startswith(("http://", "https://")):
        value = value[start:]
    found = ARK_RE.match(value)
    if not found:
        raise _malformed(
            _(
                "An ARK starts with ark:/, five digits or lower-case letters, a slash and "
                "a name, such as %(example)s."
            ),
            "ark",
        )
    return f"ark:/{found.group(1).lower()}/{found.group(2)}"


HANDLE_RE = re.compile(r"^(\d+(?:\.\d+)*)/(\S+)$")
HANDLE_PREFIXES = (
    "https://hdl.handle.net/",
    "http://hdl.handle.net/",
    "hdl.handle.net/",
    "hdl:",
)


def normalise_handle(value: str) -> str:
    """20.500.12345/678 from itself, hdl:..., or https://hdl.handle.net/..."""
    value = _without_prefix(_cleaned(value), HANDLE_PREFIXES)
    found = HANDLE_RE.match(value)
    if not found:
        raise _malformed(
            _("A Handle is a numeric prefix, a slash and a suffix, such as %(example)s."),
            "handle",
        )
    if found.group(1).split(".")[0] == "10":
        raise ValidationError(
            _("This is a DOI: choose DOI as the kind of identifier."), code="handle_is_doi"
        )
    return value


# A SoftWare Heritage persistent IDentifier: swh:1:<type>:<40 hex digits>, then maybe
# qualifiers (;origin=...;visit=...;anchor=...;path=...;lines=...).
SWHID_RE = re.compile(r"^swh:1:(cnt|dir|rev|rel|snp):([0-9a-f]{40})((?:;[a-z]+=[^;]+)*)$")
SWHID_QUALIFIERS = {"origin", "visit", "anchor", "path", "lines", "bytes"}
SWHID_PREFIXES = (
    "https://archive.softwareheritage.org/",
    "http://archive.softwareheritage.org/",
    "archive.softwareheritage.org/",
)


def normalise_swhid(value: str) -> str:
    """swh:1:dir:<40 hex>[;qualifiers] from itself or its archive.softwareheritage.org address."""
    value = _without_prefix(_cleaned(value), SWHID_PREFIXES).rstrip("/")
    core, _separator, qualifiers = value.partition(";")
    value = core.lower() + (";" + qualifiers if qualifiers else "")
    found = SWHID_RE.match(value)
    names = {part.split("=")[0] for part in found.group(3).split(";")[1:]} if found else set()
    if not found or not names <= SWHID_QUALIFIERS:
        raise _malformed(
            _(
                "A Software Heritage identifier starts with swh:1:, a type (cnt, dir, rev, "
                "rel or snp), a colon and 40 hexadecimal digits, such as %(example)s."
            ),
            "swhid",
        )
    return value


PPN_RE = re.compile(r"^\d{8}[\dX]$")
PPN_PREFIXES = ("https://www.sudoc.fr/", "http://www.sudoc.fr/", "www.sudoc.fr/", "sudoc.fr/")


def ppn_checksum(digits: str) -> str:
    """The check character of a Sudoc PPN's eight digits: modulo 11, weights 9 down to 2."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(9, 1, -1), strict=True))
    result = (11 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_ppn(value: str) -> str:
    """The nine characters of a Sudoc record (027051900, 05625248X) or its sudoc.fr address."""
    value = _without_prefix(_cleaned(value), PPN_PREFIXES).rstrip("/").upper()
    value = _without_prefix(value, ("PPN",)).strip()
    if not PPN_RE.match(value):
        raise _malformed(
            _(
                "A Sudoc PPN has eight digits and a check character (a digit or X), "
                "such as %(example)s."
            ),
            "ppn",
        )
    if ppn_checksum(value[:8]) != value[8]:
        raise ValidationError(
            _("This PPN is not valid: its last character does not match. Check for a typo."),
            code="ppn_checksum",
        )
    return value


# The registry


@dataclass(frozen=True)
class Scheme:
    """How one kind of identifier is written (`normalise`), an `example` for forms and
    messages, and its resolver's address (`resolver` + the identifier, quoted)."""

    normalise: Callable[[str], str]
    example: str
    resolver: str

    def link(self, identifier):
        # Kept as typed but what an address cannot carry (?, #, %, spaces).
        return self.resolver + quote(identifier, safe="/:;=~*+@$!,()'&")


SCHEMES = {
    "doi": Scheme(normalise_doi, "10.5281/zenodo.1234567", "https://doi.org/"),
    "hal": Scheme(normalise_hal, "hal-01234567", "https://hal.science/"),
    "ark": Scheme(normalise_ark, "ark:/12148/cb11960787f", "https://n2t.net/"),
    "handle": Scheme(normalise_handle, "20.500.11859/1234", "https://hdl.handle.net/"),
    "swhid": Scheme(
        normalise_swhid,
        "swh:1:dir:d198bc9d7a6bcf6db04f476d29314f157507d505",
        "https://archive.softwareheritage.org/",
    ),
    "ppn": Scheme(normalise_ppn, "027051900", "https://www.sudoc.fr/"),
    "orcid": Scheme(normalise_orcid, "0000-0002-1825-0097", "https://orcid.org/"),
    "ror": Scheme(normalise_ror, "02feahw73", "https://ror.org/"),
}


def normalise(scheme: str, value: str) -> str:
    """`value` in the one written form of `scheme`, or a ValidationError saying the form."""
    return SCHEMES[scheme].normalise(value)


def example(scheme: str) -> str:
    """An identifier of `scheme` as forms show it; "" for a scheme without a registry entry."""
    found = SCHEMES.get(scheme)
    return found.example if found else ""


def link(scheme: str, identifier: str) -> str:
    """The resolver address of a stored (normalised) identifier; "" when there is none."""
    found = SCHEMES.get(scheme)
    if found is None or not identifier:
        return ""
    return found.link(identifier)


def _cleaned(value):
    """The value without spaces around it; a resolver's address also without its query
    string and fragment (https://doi.org/10.1234/abc?x=1 names 10.1234/abc)."""
    value = (value or "").strip()
    if value.lower().startswith(("http://", "https://")):
        value = re.split(r"[?#]", value, maxsplit=1)[0]
    return value


def _without_prefix(value, prefixes):
    lowered = value.lower()
    for prefix in prefixes:
        if lowered.startswith(prefix.lower()):
            return value[len(prefix) :]
    return value


def _malformed(message, scheme):
    return ValidationError(
        message, code=f"{scheme}_format", params={"example": SCHEMES[scheme].example}
    )
