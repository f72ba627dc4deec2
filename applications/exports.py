"""The staff list of a call's applications as a file: CSV (for Excel in French) or XLSX.

Both hold the same columns as the list page. Text typed by applicants never becomes a formula:
in CSV, a value starting with =, +, -, @, a tab or a carriage return is prefixed with a quote
(as OWASP advises against CSV injection); in XLSX, text cells are always stored as strings.
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from common.formats import PARIS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EURO_FORMAT = '#,##0.00\\ "€"'
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def headers():
    return [
        _("Reference"),
        _("Title"),
        _("Lead applicant"),
        _("Lead applicant's e-mail"),
        _("Lead institution"),
        _("State"),
        _("Amount requested (EUR)"),
        _("Received at"),
        _("Last change"),
    ]


def rows(applications):
    """One list per application: texts, then the amount (Decimal), then two aware datetimes."""
    for application in applications:
        lead = application.lead
        yield [
            application.reference,
            application.title,
            lead.get_full_name(),
            lead.email,
            application.lead_institution or "",
            application.get_state_display(),
            application.requested_total,
            application.submitted_at,
            application.updated_at,
        ]


TEXT_COLUMNS = range(6)
AMOUNT_COLUMN = 6
DATE_COLUMNS = (7, 8)


def neutralise(value):
    """A text that a spreadsheet would read as a formula, made inert by a leading quote."""
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def filename(call, fmt, today=None):
    today = today or timezone.now().astimezone(PARIS).date()
    return f"candidatures-{call.slug}-{today.isoformat()}.{fmt}"


def as_csv(applications):
    """UTF-8 with a byte order mark and semicolons: what Excel in French opens without asking."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows(applications):
        for i in TEXT_COLUMNS:
            row[i] = neutralise(row[i])
        row[AMOUNT_COLUMN] = f"{row[AMOUNT_COLUMN]:.2f}"  # a dot, whatever the language
        for i in DATE_COLUMNS:
            row[i] = row[i].astimezone(PARIS).isoformat() if row[i] else ""
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(applications):
    """A workbook with a header row, amounts as euro numbers and dates as Paris datetimes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Applications")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row_number, row in enumerate(rows(applications), start=2):
        for i in TEXT_COLUMNS:
            cell = sheet.cell(row=row_number, column=i + 1)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(row[i]))
            cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula
        amount = sheet.cell(row=row_number, column=AMOUNT_COLUMN + 1, value=row[AMOUNT_COLUMN])
        amount.number_format = EURO_FORMAT
        for i in DATE_COLUMNS:
            if row[i]:
                # Spreadsheets know no time zones: Paris wall-clock time, as on the page.
                local = row[i].astimezone(PARIS).replace(tzinfo=None)
                cell = sheet.cell(row=row_number, column=i + 1, value=local)
                cell.number_format = DATETIME_FORMAT
    for letter, width in zip("ABCDEFGHI", (12, 40, 24, 30, 36, 14, 16, 18, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BUILDERS = {"csv": as_csv, "xlsx": as_xlsx}
