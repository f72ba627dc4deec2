"""Persistent identifiers (common.identifiers): what people paste is accepted and written one
way, what is not an identifier of the kind is refused with a message naming the expected form,
and every kind links to its resolver."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from common import identifiers

SWH_HEX = "d198bc9d7a6bcf6db04f476d29314f157507d505"

VALID = [
    # (scheme, as typed, as stored)
    ("doi", "10.5281/zenodo.1234567", "10.5281/zenodo.1234567"),
    ("doi", "https://doi.org/10.5281/Zenodo.1234567", "10.5281/zenodo.1234567"),
    ("doi", "doi:10.1000/182", "10.1000/182"),
    ("doi", " DOI: 10.1000/182 ", "10.1000/182"),
    ("doi", "http://dx.doi.org/10.3917/rfs.591.0003", "10.3917/rfs.591.0003"),
    (
        "doi",
        "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
    ),
    ("hal", "hal-01234567", "hal-01234567"),
    ("hal", "tel-04012345v2", "tel-04012345v2"),
    ("hal", "halshs-00123456", "halshs-00123456"),
    ("hal", "HAL-01234567", "hal-01234567"),
    ("hal", "https://hal.science/hal-01234567v3/document", "hal-01234567v3"),
    ("hal", "https://shs.hal.science/halshs-00123456", "halshs-00123456"),
    ("hal", "https://hal.archives-ouvertes.fr/inria-00123456", "inria-00123456"),
    ("hal", "sic_00001234", "sic_00001234"),
    ("ark", "ark:/12148/cb11960787f", "ark:/12148/cb11960787f"),
    ("ark", "ark:12148/cb11960787f", "ark:/12148/cb11960787f"),
    ("ark", "ARK:/13030/tf5p30086k", "ark:/13030/tf5p30086k"),
    ("ark", "https://n2t.net/ark:/13030/tf5p30086k", "ark:/13030/tf5p30086k"),
    ("ark", "https://ark.bnf.fr/ark:/12148/cb11960787f", "ark:/12148/cb11960787f"),
    (
        "ark",
        "https://gallica.bnf.fr/ark:/12148/bpt6k5619759j.texteImage",
        "ark:/12148/bpt6k5619759j.texteImage",
    ),
    ("handle", "20.500.11859/1234", "20.500.11859/1234"),
    ("handle", "hdl:2027/mdp.39015012345678", "2027/mdp.39015012345678"),
    ("handle", "https://hdl.handle.net/11280/abc-def", "11280/abc-def"),
    ("swhid", f"swh:1:dir:{SWH_HEX}", f"swh:1:dir:{SWH_HEX}"),
    ("swhid", f"swh:1:cnt:{SWH_HEX.upper()}", f"swh:1:cnt:{SWH_HEX}"),
    (
        "swhid",
        f"swh:1:rev:{SWH_HEX.upper()};origin=https://github.com/Example/tool;visit=swh:1:snp:0",
        f"swh:1:rev:{SWH_HEX};origin=https://github.com/Example/tool;visit=swh:1:snp:0",
    ),
    (
        "swhid",
        f"https://archive.softwareheritage.org/swh:1:snp:{SWH_HEX}/",
        f"swh:1:snp:{SWH_HEX}",
    ),
    ("swhid", f"swh:1:rel:{SWH_HEX}", f"swh:1:rel:{SWH_HEX}"),
    ("ppn", "027051900", "027051900"),
    ("ppn", "070266875", "070266875"),
    ("ppn", "05625248x", "05625248X"),
    ("ppn", "https://www.sudoc.fr/145561143", "145561143"),
    ("ppn", "PPN 145561143", "145561143"),
    ("orcid", "https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("orcid", "0000000218250097", "0000-0002-1825-0097"),
    ("ror", "https://ror.org/02feahw73", "02feahw73"),
    # A resolver's address loses its query string and fragment; a bare identifier keeps them.
    ("doi", "https://doi.org/10.1234/abc?x=1", "10.1234/abc"),
    ("doi", "https://doi.org/10.1234/abc#section-2", "10.1234/abc"),
    ("doi", "10.1234/abc?x=1", "10.1234/abc?x=1"),
    ("handle", "https://hdl.handle.net/11280/abc-def?noredirect", "11280/abc-def"),
    ("handle", "https://hdl.handle.net/11280/abc-def#top", "11280/abc-def"),
    ("ark", "https://n2t.net/ark:/13030/tf5p30086k?info", "ark:/13030/tf5p30086k"),
    ("hal", "https://hal.science/hal-01234567?lang=en", "hal-01234567"),
    ("ppn", "https://www.sudoc.fr/145561143?x=1#a", "145561143"),
    ("orcid", "https://orcid.org/0000-0002-1825-0097#works", "0000-0002-1825-0097"),
    ("ror", "https://ror.org/02feahw73?x=1", "02feahw73"),
    # The ARK specification's NAAN: five betanumeric characters, not only digits.
    ("ark", "ark:/b5072/fk2abc", "ark:/b5072/fk2abc"),
    ("ark", "ARK:/B5072/fk2abc", "ark:/b5072/fk2abc"),
    ("ark", "https://n2t.net/ark:/b5072/fk2abc", "ark:/b5072/fk2abc"),
]


@pytest.mark.parametrize(("scheme", "typed", "stored"), VALID)
def test_a_valid_identifier_is_accepted_in_one_written_form(scheme, typed, stored):
    assert identifiers.normalise(scheme, typed) == stored


def test_normalising_twice_changes_nothing():
    for scheme, typed, _stored in VALID:
        once = identifiers.normalise(scheme, typed)
        assert identifiers.normalise(scheme, once) == once


INVALID = [
    # (scheme, value, the code of the refusal)
    ("doi", "", "doi_format"),
    ("doi", "11.5281/zenodo.1", "doi_format"),
    ("doi", "10.52/zenodo.1", "doi_format"),
    ("doi", "10.5281/", "doi_format"),
    ("doi", "10.5281/has space", "doi_format"),
    ("doi", "https://example.org/10.5281/zenodo.1", "doi_format"),
    ("hal", "hal-123", "hal_format"),
    ("hal", "01234567", "hal_format"),
    ("hal", "hal-01234567v", "hal_format"),
    ("hal", "https://example.org/hal-01234567", "hal_format"),
    ("ark", "ark:/1214/cb11960787f", "ark_format"),
    ("ark", "ark:/12148/", "ark_format"),
    ("ark", "12148/cb11960787f", "ark_format"),
    ("ark", "ark:/12148/name with space", "ark_format"),
    ("ark", "ark:/a5072/fk2abc", "ark_format"),
    ("ark", "ark:/b50721/fk2abc", "ark_format"),
    ("handle", "hdl.handle.net", "handle_format"),
    ("handle", "abc/def", "handle_format"),
    ("handle", "2027/", "handle_format"),
    ("handle", "10.5281/zenodo.1", "handle_is_doi"),
    ("swhid", f"swh:2:dir:{SWH_HEX}", "swhid_format"),
    ("swhid", f"swh:1:foo:{SWH_HEX}", "swhid_format"),
    ("swhid", f"swh:1:dir:{SWH_HEX[:-1]}", "swhid_format"),
    ("swhid", f"swh:1:dir:{SWH_HEX[:-1]}g", "swhid_format"),
    ("swhid", f"swh:1:dir:{SWH_HEX};colour=blue", "swhid_format"),
    ("ppn", "02705190", "ppn_format"),
    ("ppn", "0270519000", "ppn_format"),
    ("ppn", "02705190Y", "ppn_format"),
    ("ppn", "027051901", "ppn_checksum"),
    ("ppn", "056252480", "ppn_checksum"),
    ("orcid", "0000-0002-1825-0098", "orcid_checksum"),
    ("ror", "02feahw74", "ror_checksum"),
]


@pytest.mark.parametrize(("scheme", "value", "code"), INVALID)
def test_an_invalid_identifier_is_refused(scheme, value, code):
    with pytest.raises(ValidationError) as error:
        identifiers.normalise(scheme, value)
    assert error.value.code == code


@pytest.mark.parametrize("scheme", ["doi", "hal", "ark", "handle", "swhid", "ppn"])
def test_the_refusal_names_the_expected_form_with_an_example(scheme):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        identifiers.normalise(scheme, "nothing like it")
    (message,) = error.value.messages
    assert identifiers.example(scheme) in message


def test_the_refusal_is_in_french_by_default():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        identifiers.normalise("doi", "nothing like it")
    assert "10.5281/zenodo.1234567" in error.value.messages[0]
    assert "DOI" in error.value.messages[0]
    assert "such as" not in error.value.messages[0]


def test_every_example_is_itself_valid():
    for scheme in identifiers.SCHEMES:
        example = identifiers.example(scheme)
        assert identifiers.normalise(scheme, example) == example


@pytest.mark.parametrize(
    ("scheme", "identifier", "address"),
    [
        ("doi", "10.5281/zenodo.1234567", "https://doi.org/10.5281/zenodo.1234567"),
        ("hal", "hal-01234567v2", "https://hal.science/hal-01234567v2"),
        ("ark", "ark:/12148/cb11960787f", "https://n2t.net/ark:/12148/cb11960787f"),
        ("handle", "20.500.11859/1234", "https://hdl.handle.net/20.500.11859/1234"),
        (
            "swhid",
            f"swh:1:dir:{SWH_HEX}",
            f"https://archive.softwareheritage.org/swh:1:dir:{SWH_HEX}",
        ),
        ("ppn", "05625248X", "https://www.sudoc.fr/05625248X"),
        ("orcid", "0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"),
        ("ror", "02feahw73", "https://ror.org/02feahw73"),
    ],
)
def test_every_kind_links_to_its_resolver(scheme, identifier, address):
    assert identifiers.link(scheme, identifier) == address


def test_a_link_quotes_what_an_address_cannot_carry():
    assert identifiers.link("doi", "10.1000/a#b?c d") == "https://doi.org/10.1000/a%23b%3Fc%20d"


def test_no_link_without_an_identifier_or_for_a_scheme_without_a_resolver():
    assert identifiers.link("doi", "") == ""
    assert identifiers.link("url", "https://example.org/") == ""
    assert identifiers.example("url") == ""
