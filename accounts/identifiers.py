"""Persistent identifiers of people (ORCID) and institutions (ROR): normalisation and checksums."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_RE = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
ROR_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base 32, as ROR uses it
ROR_RE = re.compile(r"^0[" + ROR_ALPHABET + r"]{6}\d{2}$")


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11,2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """Return the ORCID iD as 0000-0000-0000-0000, accepting a full https://orcid.org/ URL."""
    value = (value or "").strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/", "ORCID.ORG/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
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
    value = (value or "").strip().lower()
    for prefix in ("https://ror.org/", "http://ror.org/", "ror.org/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
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
