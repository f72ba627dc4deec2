"""Governance reports as PDF: gathering their data (a fixed number of queries whatever the number
of applications) and rendering them with WeasyPrint.

    pdf = build_document("call", call=call, language="fr")           # -> Document(pdf, pages, ...)

The Celery task (reports.tasks), the pages (reports.views_reports) and the command
(governance_report) all go through build_document().
"""

from .documents import Document, ReportSubjectMissing, build_document

__all__ = ["Document", "ReportSubjectMissing", "build_document"]
