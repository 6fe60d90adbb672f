"""One data row of an upload -> the raw values validate_record expects, and its errors per column.

The rules themselves live in submissions.validation (shared with the form); this module only adds
what is specific to a file: cells from CSV or Excel, the Dutch action words, values outside the columns.
"""

import datetime as dt

from django.utils.translation import gettext as _

from submissions.imports.columns import BY_FIELD, normalise_action
from submissions.validation import validate_record

DATE_FIELDS = {"observed_on", "customer_informed_on"}
MAX_SHOWN_VALUE = 100


def cell_text(value):
    """A cell as text: Excel numbers without '.0', dates as dd/mm/jjjj."""
    if isinstance(value, str):  # every CSV cell: the fast path
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def error(row, column, value, message):
    value = cell_text(value)[:MAX_SHOWN_VALUE]
    return {"row": row, "column": column, "value": value, "message": str(message)}


class RowChecker:
    """Checks data rows against the matched header (`positions`: (index, Column) pairs)."""

    def __init__(self, positions, header_width, catalogue, today):
        self.positions = positions
        self.header_width = header_width
        self.catalogue = catalogue
        self.today = today

    def check(self, number, cells):
        """(cleaned, errors) for one row; (None, []) for a blank row, which is skipped."""
        if all(cell_text(cell) == "" for cell in cells):
            return None, []
        errors = []
        shown, raw = {}, {}
        for index, column in self.positions:
            value = cells[index] if index < len(cells) else ""
            shown[column.field] = value
            if column.field in DATE_FIELDS and isinstance(value, dt.date):
                raw[column.field] = value
            else:
                raw[column.field] = cell_text(value)
        extra = [cell for cell in cells[self.header_width :] if cell_text(cell)]
        if extra:
            message = _("This value stands outside the columns of the header row.")
            errors.append(error(number, "", extra[0], message))

        register_number = raw.pop("register_number", "")
        if register_number and not (register_number.isdigit() and len(register_number) <= 12):
            message = _("A register number is the number of a non-conformity, as in the register's export.")
            errors.append(error(number, "registernummer", register_number, message))

        action_word = raw.get("action", "")
        raw["action"] = normalise_action(action_word) or ""
        cleaned, problems = validate_record(raw, self.catalogue, self.today)
        if not raw["action"]:
            problems["action"] = [_("Use geweigerd, geregistreerd or nagesorteerd.")]
        for field, messages in problems.items():
            column = BY_FIELD[field]
            for message in messages:
                errors.append(error(number, column.header, shown.get(field, ""), message))
        if errors:
            return None, errors
        cleaned["register_number"] = int(register_number) if register_number else None
        return cleaned, errors
