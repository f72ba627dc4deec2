"""Persistent identifiers of people (ORCID) and institutions (ROR): their checks live with the
other identifiers' in common.identifiers; accounts keeps its names for them."""

from common.identifiers import (
    normalise_orcid,
    normalise_ror,
    orcid_checksum,
    ror_checksum,
    validate_orcid,
    validate_ror,
)

__all__ = [
    "normalise_orcid",
    "normalise_ror",
    "orcid_checksum",
    "ror_checksum",
    "validate_orcid",
    "validate_ror",
]
