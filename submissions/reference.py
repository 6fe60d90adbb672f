"""Reference data the register cannot work without: the VLAREMA art. 4.3.2 waste streams and the
Belgian public holidays. Put in place after every migrate (and after a test's flush, which emits the
same signal), so a fresh or emptied database always has them; what staff changed in the admin stays.
"""

import datetime as dt

import holidays as holiday_calendar
from django.utils import timezone

JULY_2024 = dt.date(2024, 7, 1)
JANUARY_2027 = dt.date(2027, 1, 1)
HOLIDAY_YEARS_AHEAD = 2  # a release a year keeps the current and the coming year covered

WASTE_STREAMS = [
    (1, "klein gevaarlijk afval van vergelijkbare bedrijfsmatige oorsprong", None),
    (2, "glasafval", None),
    (3, "papier- en kartonafval", None),
    (4, "gebruikte dierlijke en plantaardige oliën en vetten", None),
    (5, "groenafval", None),
    (6, "textielafval", None),
    (7, "afgedankte elektrische en elektronische apparatuur", None),
    (8, "afvalbanden", None),
    (9, "puin", None),
    (10, "afvalolie", None),
    (11, "gevaarlijke afvalstoffen", None),
    (12, "asbestcementhoudende afvalstoffen", None),
    (
        13,
        "afgedankte apparatuur en recipiënten die ozonafbrekende stoffen of gefluoreerde "
        "broeikasgassen bevatten",
        None,
    ),
    (14, "afvallandbouwfolies", None),
    (15, "afgedankte batterijen en accu's", None),
    (16, "pmd-afval", None),
    (17, "houtafval", None),
    (18, "metaalafval", None),
    (19, "afgedankte matrassen", None),
    (20, "recycleerbare harde kunststoffen", None),
    (21, "geëxpandeerd polystyreen (zuiver piepschuim van verpakkingen met bolletjesstructuur)", None),
    (22, "folies", None),
    (23, "keukenafval en etensresten", None),
    (24, "levensmiddelenafval", None),
    (25, "niet-teerhoudend asfaltpuin", JULY_2024),
    (
        26,
        "funderingsmaterialen die niet conform het eenheidsreglement gerecycleerde granulaten verwerkt "
        "kunnen worden",
        JULY_2024,
    ),
    (
        27,
        "verontreinigde fracties bouw- en sloopafval die achteraf niet uitgesorteerd kunnen worden",
        JULY_2024,
    ),
    (28, "cellenbeton", JULY_2024),
    (29, "gipskartonplaten en gipsblokken", JULY_2024),
    (30, "glaswol", JANUARY_2027),
    (31, "rotswol", JANUARY_2027),
    (32, "bitumineus materiaal", JANUARY_2027),
]

# The admin's list shows these (the full name on hover): a row must fit a 1280 px screen.
SHORT_NAMES = {
    1: "KGA",
    2: "glas",
    3: "papier-karton",
    4: "oliën en vetten",
    5: "groenafval",
    6: "textiel",
    7: "AEEA",
    8: "banden",
    9: "puin",
    10: "afvalolie",
    11: "gevaarlijk afval",
    12: "asbestcement",
    13: "ozon/F-gassen",
    14: "landbouwfolies",
    15: "batterijen",
    16: "pmd",
    17: "hout",
    18: "metaal",
    19: "matrassen",
    20: "harde kunststof",
    21: "EPS",
    22: "folies",
    23: "keukenafval",
    24: "levensmiddelen",
    25: "asfaltpuin",
    26: "funderingsmateriaal",
    27: "verontr. bouwafval",
    28: "cellenbeton",
    29: "gips",
    30: "glaswol",
    31: "rotswol",
    32: "bitumen",
}


def holiday_years(today=None):
    year = (today or timezone.localdate()).year
    return range(year - 1, year + HOLIDAY_YEARS_AHEAD + 1)


def extend_holidays(years, Holiday=None):
    """Add the Belgian public holidays of `years` that the table lacks; returns how many were added.
    Existing rows are left as staff keep them."""
    if Holiday is None:
        from submissions.models import Holiday
    calendar = holiday_calendar.country_holidays("BE", years=years, language="nl")
    known = set(Holiday.objects.filter(date__year__in=list(years)).values_list("date", flat=True))
    missing = [
        Holiday(date=day, name=name[:100]) for day, name in sorted(calendar.items()) if day not in known
    ]
    Holiday.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def seed_waste_streams(WasteStream=None):
    """The legal list, only into an empty table: once there, streams are OVAM's to keep in the admin."""
    if WasteStream is None:
        from submissions.models import WasteStream
    if WasteStream.objects.exists():
        return 0
    # Migration 0002's historical model has no short name yet; 0010 fills it in.
    short = "short_name" in {f.name for f in WasteStream._meta.fields}
    WasteStream.objects.bulk_create(
        WasteStream(
            number=number,
            name=name,
            valid_from=valid_from,
            **({"short_name": SHORT_NAMES[number]} if short else {}),
        )
        for number, name, valid_from in WASTE_STREAMS
    )
    return len(WASTE_STREAMS)


def fill_short_names(WasteStream):
    """Short names for the legal list's streams that have none yet."""
    for number, short_name in SHORT_NAMES.items():
        WasteStream.objects.filter(number=number, short_name="").update(short_name=short_name)


def after_migrate(sender, **kwargs):
    seed_waste_streams()
    extend_holidays(holiday_years())
