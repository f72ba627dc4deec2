"""The projects app's models, one module per concept: the project and its states, its money,
its agreement, its amendments, its reports and deliverables."""

from .agreements import AgreementTemplate, AgreementVersion, Party, Signature
from .amendments import Amendment, AmendmentKind, AmendmentState
from .deliverables import Deliverable, IdentifierScheme, Licence
from .money import Condition, Instalment, Payment
from .project import Project, ProjectState, add_months
from .reports import ProjectReport, ReportAttachment, ReportState, ReportSubmission

__all__ = [
    "AgreementTemplate",
    "AgreementVersion",
    "Amendment",
    "AmendmentKind",
    "AmendmentState",
    "Condition",
    "Deliverable",
    "IdentifierScheme",
    "Instalment",
    "Licence",
    "Party",
    "Payment",
    "Project",
    "ProjectReport",
    "ProjectState",
    "ReportAttachment",
    "ReportState",
    "ReportSubmission",
    "Signature",
    "add_months",
]
