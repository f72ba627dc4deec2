"""The projects app's models, one module per concept: the project and its states, its money,
its agreement, its amendments."""

from .agreements import AgreementTemplate, AgreementVersion, Party, Signature
from .amendments import Amendment, AmendmentKind, AmendmentState
from .money import Condition, Instalment, Payment
from .project import Project, ProjectState, add_months

__all__ = [
    "AgreementTemplate",
    "AgreementVersion",
    "Amendment",
    "AmendmentKind",
    "AmendmentState",
    "Condition",
    "Instalment",
    "Party",
    "Payment",
    "Project",
    "ProjectState",
    "Signature",
    "add_months",
]
