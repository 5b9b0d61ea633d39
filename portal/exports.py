"""Cells of the CSV exports, written so that a spreadsheet never runs them as formulas.

Titles, names and organisations in the exports are typed by members and visitors. Excel and
LibreOffice run a cell beginning with ``= + - @`` (and with a tab or carriage return before
one of them) as a formula: ``=HYPERLINK(...)`` sends data away, DDE runs commands. OWASP's
remedy: such a cell starts with an apostrophe, shown as text and kept readable.

:func:`safe_cell` is the one answer; the public export calls it, and :func:`install` routes
Wagtail's spreadsheet exports (the admin's listings and reports) through it. Their XLSX
output is already safe: Wagtail writes every cell openpyxl would read as a formula as text.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a CSV cell: text beginning like a formula gets a leading apostrophe; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


def install() -> None:
    """Route the CSV rows of Wagtail's SpreadsheetExportMixin through :func:`safe_cell` (once, at start-up)."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.write_csv_row
    if getattr(original, "_neutralises_formulas", False):
        return

    def write_csv_row(self, writer, row_dict):
        row = {field: self.preprocess_field_value(field, value, self.FORMAT_CSV) for field, value in row_dict.items()}
        return writer.writerow({field: safe_cell(value) for field, value in row.items()})

    write_csv_row._neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
