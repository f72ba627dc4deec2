"""The directory of institutions and the roadmap's programmes."""

from accounts.models import Institution, InstitutionKind
from calls.models import Programme


def load_institutions(facts):
    """The national operators, then the member and associated institutions, found by name."""
    rows = [
        {
            "name": operator["name"],
            "acronym": operator.get("acronym", ""),
            "kind": InstitutionKind.OPERATOR,
            "city": operator.get("city", ""),
            "ror": "",
        }
        for operator in facts["operators"]
    ]
    rows += [
        {
            "name": institution["name"],
            "acronym": institution.get("acronym", ""),
            "kind": InstitutionKind(institution["kind"]),
            "city": institution.get("city", ""),
            "ror": institution.get("ror", ""),
        }
        for institution in facts["institutions"]
    ]
    institutions = []
    for row in rows:
        institution = Institution.objects.filter(name=row["name"]).first() or Institution()
        for field, value in row.items():
            setattr(institution, field, value)
        institution.full_clean()
        institution.save()
        institutions.append(institution)
    return institutions


def load_programmes(programmes):
    """The four programmes, in the roadmap's order, found by code."""
    loaded = []
    for position, facts in enumerate(programmes, start=1):
        programme = Programme.objects.filter(code=facts["code"]).first() or Programme()
        programme.code = facts["code"]
        programme.title_fr = facts["fr"]
        programme.title_en = facts["en"]
        programme.summary_fr = facts["summary_fr"]
        programme.summary_en = facts["summary_en"]
        programme.position = position
        programme.full_clean()
        programme.save()
        loaded.append(programme)
    return loaded
