"""Tables that staff open in a spreadsheet: CSV for Excel in French, or XLSX.

The CSV is UTF-8 with a byte order mark and semicolons (what Excel in French opens without
asking), amounts with a dot whatever the language, times in Paris as ISO 8601. The XLSX has a
bold, frozen header row, amounts as euro numbers and times as Paris wall-clock datetimes.

Text typed by people never becomes a formula: in CSV, a value starting with =, +, -, @, a tab or
a carriage return is prefixed with a quote (as OWASP advises against CSV injection); in XLSX,
text cells are always stored as strings.
"""

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .formats import PARIS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EURO_FORMAT = '#,##0.00\\ "€"'
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

TEXT, AMOUNT, DATETIME, DATE = "text", "amount", "datetime", "date"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 16


def neutralise(value):
    """A text that a spreadsheet would read as a formula, made inert by a leading quote."""
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_cell(value, kind):
    if value is None:
        return ""
    if kind == AMOUNT:
        return f"{value:.2f}"  # a dot, whatever the language
    if kind == DATETIME:
        return value.astimezone(PARIS).isoformat()
    if kind == DATE:
        return value.isoformat()
    return neutralise(value)


def as_csv(columns, rows):
    """`rows` (lists of values, one per column) as CSV bytes, with a header row."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow(
            [csv_cell(value, column.kind) for column, value in zip(columns, row, strict=True)]
        )
    return buffer.getvalue().encode("utf-8")


def write_cell(cell, value, kind):
    if value is None:
        return
    if kind == AMOUNT:
        cell.value = value
        cell.number_format = EURO_FORMAT
    elif kind == DATETIME:
        # Spreadsheets know no time zones: Paris wall-clock time, as on the pages.
        cell.value = value.astimezone(PARIS).replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    elif kind == DATE:
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula


def as_xlsx(columns, rows, title):
    """`rows` as a workbook of one sheet named `title`, with a header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(title)[:31]
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row_number, row in enumerate(rows, start=2):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            write_cell(sheet.cell(row=row_number, column=index), value, column.kind)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
