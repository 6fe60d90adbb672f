"""Reference data: the VLAREMA art. 4.3.2 list and Belgian public holidays. Staff correct both in the admin."""

import datetime as dt

from django.db import migrations

JULY_2024 = dt.date(2024, 7, 1)
JANUARY_2027 = dt.date(2027, 1, 1)

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
    (13, "afgedankte apparatuur en recipiënten die ozonafbrekende stoffen of gefluoreerde broeikasgassen bevatten", None),
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
    (26, "funderingsmaterialen die niet conform het eenheidsreglement gerecycleerde granulaten verwerkt kunnen worden",
     JULY_2024),
    (27, "verontreinigde fracties bouw- en sloopafval die achteraf niet uitgesorteerd kunnen worden", JULY_2024),
    (28, "cellenbeton", JULY_2024),
    (29, "gipskartonplaten en gipsblokken", JULY_2024),
    (30, "glaswol", JANUARY_2027),
    (31, "rotswol", JANUARY_2027),
    (32, "bitumineus materiaal", JANUARY_2027),
]


def load(apps, schema_editor):
    import holidays

    WasteStream = apps.get_model("submissions", "WasteStream")
    for number, name, valid_from in WASTE_STREAMS:
        WasteStream.objects.get_or_create(number=number, valid_from=valid_from, defaults={"name": name})

    Holiday = apps.get_model("submissions", "Holiday")
    for day, name in sorted(holidays.country_holidays("BE", years=range(2020, 2041), language="nl").items()):
        Holiday.objects.get_or_create(date=day, defaults={"name": name[:100]})


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
