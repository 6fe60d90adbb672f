"""The upload's columns: Dutch headers, the record field each fills, and forgiving header matching."""

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from submissions.validation import REQUIRED_FIELDS


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    help: str
    example: str

    @property
    def required(self):
        return self.field in REQUIRED_FIELDS


COLUMNS = [
    Column(
        "datum",
        "observed_on",
        _("Date of the non-conformity: dd/mm/jjjj, dd-mm-jjjj or jjjj-mm-dd."),
        "04/11/2026",
    ),
    Column(
        "ondernemingsnummer",
        "producer_enterprise_number",
        _("Enterprise number (KBO) of the waste producer, e.g. 0405.546.706."),
        "0405.546.706",
    ),
    Column("naam_producent", "producer_name", _("Name of the waste producer."), "Bakkerij Janssens BV"),
    Column(
        "vestigingsnummer",
        "establishment_number",
        _("Establishment unit number, e.g. 2.147.812.701. Without it, give the complete pickup address."),
        "2.147.812.701",
    ),
    Column("straat", "street", _("Pickup address: street."), "Kerkstraat"),
    Column("huisnummer", "house_number", _("Pickup address: house number."), "12"),
    Column("postcode", "postcode", _("Pickup address: postcode (4 digits)."), "2000"),
    Column("gemeente", "municipality", _("Pickup address: municipality."), "Antwerpen"),
    Column(
        "omschrijving",
        "description",
        _("What was found, naming at least the waste that must be sorted."),
        "Karton en pmd tussen het restafval",
    ),
    Column(
        "afvalstromen",
        "waste_streams",
        _("Numbers of the waste streams (VLAREMA art. 4.3.2), separated by ; or ,."),
        "3;16",
    ),
    Column("actie", "action", _("geweigerd, geregistreerd or nagesorteerd."), "geregistreerd"),
    Column(
        "klant_geinformeerd_op",
        "customer_informed_on",
        _("Date the customer was informed."),
        "05/11/2026",
    ),
    Column("containernummer", "container_reference", _("Container reference."), "C-1234"),
    Column(
        "eigen_referentie",
        "own_reference",
        _("Your own reference; unique within your organisation."),
        "NC-2026-0001",
    ),
]
# The register's export adds the register number (a row with one corrects that record) and a few columns
# for reading only, which an upload ignores: the export, edited, can be uploaded again.
REGISTER_NUMBER = Column(
    "registernummer",
    "register_number",
    _("Only in the register's export: the row corrects that non-conformity instead of adding one."),
    "",
)
EXPORT_ONLY = ("status", "ontvangen_op", "registratietermijn", "laattijdig", "bron")
BY_FIELD = {c.field: c for c in [*COLUMNS, REGISTER_NUMBER]}

# The Dutch words for the three actions, as collectors write them.
ACTIONS = {"geweigerd": "refused", "geregistreerd": "registered", "nagesorteerd": "post_sorted"}


def normalise_header(text):
    """'Klant geïnformeerd op' -> 'klantgeinformeerdop': case, spaces, accents and punctuation ignored."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", text.lower())


_BY_KEY = {normalise_header(c.header): c for c in [*COLUMNS, REGISTER_NUMBER]}
_IGNORED = {normalise_header(header) for header in EXPORT_ONLY}


@functools.lru_cache(maxsize=256)  # a file repeats the same few words
def normalise_action(value):
    return ACTIONS.get(normalise_header(value))


def match_headers(cells):
    """Map the header row onto our columns.

    Returns (positions, problems): `positions` lists (index, Column) for each recognised header;
    `problems` lists (header, message) for unknown, repeated and missing columns.
    """
    positions, problems, seen = [], [], set()
    for index, cell in enumerate(cells):
        label = str(cell if cell is not None else "").strip()
        if not label:
            continue
        key = normalise_header(label)
        column = _BY_KEY.get(key)
        if key in _IGNORED:
            continue
        if column is None:
            problems.append((label[:100], _("Unknown column. Use the headers of the template.")))
        elif column.field in seen:
            problems.append((label[:100], _("This column appears more than once.")))
        else:
            seen.add(column.field)
            positions.append((index, column))
    for column in COLUMNS:
        if column.required and column.field not in seen:
            problems.append((column.header, _("This column is missing.")))
    return positions, problems
