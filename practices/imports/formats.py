"""The spreadsheet formats of bulk import and export, with formula cells neutralised.

django-import-export's own escape (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT, turned on
in settings) strips a leading "=" only; a spreadsheet also runs cells that start with
"+", "-" or "@". Every exported text cell that starts with one of them (and is not a
plain number, such as a figure's "-12.5") is written with a leading apostrophe, which
spreadsheets show as text. On import the apostrophe is taken off again
(`formula_unescape`), so an exported file re-imports unchanged.
"""

from decimal import Decimal, InvalidOperation

from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def _is_number(text):
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return True


def formula_escape(value):
    """`value` as a spreadsheet will show it as text and never run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if not _is_number(value):
            return ESCAPE + value
    return value


def formula_unescape(value):
    """The text `formula_escape` wrote, as it was."""
    if (
        isinstance(value, str)
        and value.startswith(ESCAPE)
        and value[1:].startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value


def dataset_formula_escape(dataset):
    for index, row in enumerate(list(dataset)):
        escaped = [formula_escape(cell) for cell in row]
        if escaped != list(row):
            dataset[index] = escaped
    return dataset


class FormulaSafeMixin:
    def export_data(self, dataset, **kwargs):
        return super().export_data(dataset_formula_escape(dataset), **kwargs)


class CSV(FormulaSafeMixin, base_formats.CSV):
    pass


class XLSX(FormulaSafeMixin, base_formats.XLSX):
    pass


FORMATS = [CSV, XLSX]
