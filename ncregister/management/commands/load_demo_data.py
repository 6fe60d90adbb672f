import datetime as dt
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import ApiClient, Organisation
from accounts.standin.personas import API_CLIENTS, PERSONAS_BY_KEY
from submissions import services, summary, workflow
from submissions.deadlines import BRUSSELS
from submissions.models import NonConformity, WasteStream

# Match the personas of the local ACM/IDM stand-in (accounts/standin/personas.py).
DEMO_ORGANISATIONS = [
    ("0405546706", "Afvalinzameling Alfa NV", "EA"),
    ("0353456320", "Containerdienst Beta BV", "EA"),
    ("0566988259", "Transport Gamma BVBA", "EA"),
    ("OVO000000", "OVAM (demo)", "GID"),
]
# Who files for which collector in the demo, and how many records each gets.
DEMO_SUBMITTERS = [("indiener-a", "0405546706", 24), ("indiener-b", "0353456320", 12)]
REVIEWER = "behandelaar"

PRODUCERS = [
    "Bakkerij De Korenaar",
    "Slagerij Van Damme",
    "Frituur 't Pleintje",
    "Garage Claes & Zonen",
    "Drukkerij Lannoo Demo",
    "Brasserie Het Anker",
    "Schrijnwerkerij Peeters",
    "Kapsalon Lotus",
    "Supermarkt Buurtwinkel",
    "Bouwbedrijf Verstraete",
]
ADDRESSES = [
    ("Stationsstraat", "12", "9000", "Gent"),
    ("Grote Markt", "3", "2000", "Antwerpen"),
    ("Kerkstraat", "45", "3000", "Leuven"),
    ("Brugsesteenweg", "210", "8500", "Kortrijk"),
]
DESCRIPTIONS = [
    ("PMD-zakken en drankblikjes tussen het restafval.", [16]),
    ("Veel karton en papier in de container.", [3]),
    ("Glazen flessen en bokalen in het restafval.", [2]),
    ("Spuitbussen en verfpotten: gevaarlijk afval, container geweigerd.", [1, 11]),
    ("Snoeihout en gras bovenop het restafval.", [5]),
    ("Houten paletten en metalen profielen.", [17, 18]),
    ("Piepschuim van verpakkingen en folies.", [21, 22]),
    ("Etensresten en voedselverpakkingen.", [23, 16]),
]


def _mod97(prefix):
    return f"{prefix}{97 - int(prefix) % 97:02d}"


def _producers():
    # Deterministic, valid demo numbers: enterprise numbers start with 0, establishment numbers with 2.
    return [
        (
            name,
            _mod97(f"04{761230 + 9173 * i:06d}"),
            _mod97(f"2{1478127 + 13 * i:07d}"),
            ADDRESSES[i % len(ADDRESSES)],
        )
        for i, name in enumerate(PRODUCERS)
    ]


def _user(persona_key):
    persona = PERSONAS_BY_KEY[persona_key]
    user, _created = get_user_model().objects.get_or_create(
        vo_id=persona.vo_id,
        defaults={
            "username": f"acmidm:{persona.vo_id}",
            "first_name": persona.given_name,
            "last_name": persona.family_name,
        },
    )
    return user


class Command(BaseCommand):
    help = "Load demo organisations and records for a local portal (dev only; idempotent)."

    def handle(self, *args, **options):
        if settings.NCR_ENV != "dev":
            raise CommandError("Demo data is for dev only.")
        organisations = {}
        for code, name, audience in DEMO_ORGANISATIONS:
            organisations[code] = Organisation.objects.update_or_create(
                code=code, defaults={"name": name, "audience": audience}
            )[0]
        # The demo collectors' route software may use the API with the stand-in's clients.
        for api in API_CLIENTS:
            if api.vo_orgcode in organisations:
                organisation = organisations[api.vo_orgcode]
                Organisation.objects.filter(pk=organisation.pk).update(api_enabled=True)
                ApiClient.objects.get_or_create(
                    client_id=api.client_id, defaults={"organisation": organisation, "description": api.label}
                )
        created = 0
        for persona_key, code, count in DEMO_SUBMITTERS:
            created += self.records(organisations[code], _user(persona_key), count)
        summary.rebuild()  # the overview's figures at once, without waiting for the worker
        self.stdout.write(
            f"Demo data: {len(DEMO_ORGANISATIONS)} organisations, {created} new non-conformities."
        )

    @transaction.atomic
    def records(self, organisation, user, count):
        """`count` records for one collector; each has an own reference DEMO-n, so a rerun adds nothing."""
        rng = random.Random(organisation.code)  # noqa: S311 - demo data, not security
        reviewer = _user(REVIEWER)
        today = timezone.localdate()
        producers = _producers()
        created = 0
        for n in range(1, count + 1):
            reference = f"DEMO-{n:03d}"
            if NonConformity.objects.filter(organisation=organisation, own_reference=reference).exists():
                continue
            name, kbo, establishment, address = producers[rng.randrange(len(producers))]
            description, streams = DESCRIPTIONS[rng.randrange(len(DESCRIPTIONS))]
            observed_on = today - dt.timedelta(days=rng.randrange(0, 75))
            # Most arrive the same or next day; a few too late.
            delay = dt.timedelta(hours=rng.choice([2, 6, 20, 30, 30, 80]))
            received_at = min(
                dt.datetime.combine(observed_on, dt.time(8), tzinfo=BRUSSELS) + delay, timezone.now()
            )
            with_address = n % 4 == 0
            data = {
                "observed_on": observed_on,
                "producer_name": name,
                "producer_enterprise_number": kbo,
                "establishment_number": "" if with_address else establishment,
                "street": address[0] if with_address else "",
                "house_number": address[1] if with_address else "",
                "postcode": address[2] if with_address else "",
                "municipality": address[3] if with_address else "",
                "description": description,
                "action": "refused"
                if 1 in streams or 11 in streams
                else rng.choice(["registered", "post_sorted"]),
                "customer_informed_on": observed_on if n % 3 else None,
                "container_reference": f"C-{rng.randrange(1000, 9999)}" if n % 2 else "",
                "own_reference": reference,
            }
            record = services.create_non_conformity(
                organisation=organisation,
                user=user,
                data=data,
                waste_streams=WasteStream.objects.valid_on(observed_on).filter(number__in=streams),
                received_at=received_at,
            )
            created += 1
            # A living register: some are reviewed by OVAM, one was withdrawn.
            if n % 5 == 0:
                record = services.transition(
                    record, workflow.Status.UNDER_REVIEW, user=reviewer, role=roles.REVIEWER
                )
                if n % 10 == 0:
                    services.transition(record, workflow.Status.CLOSED, user=reviewer, role=roles.REVIEWER)
            elif n == 7:
                services.withdraw(
                    record,
                    user=user,
                    role=roles.SUBMITTER,
                    reason="Dubbel ingevoerd.",
                    expected_version=record.version,
                )
        return created
