from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation

# Match the personas of the local ACM/IDM stand-in (accounts/standin/personas.py).
DEMO_ORGANISATIONS = [
    ("0405546706", "Afvalinzameling Alfa NV", "EA"),
    ("0353456320", "Containerdienst Beta BV", "EA"),
    ("0566988259", "Transport Gamma BVBA", "EA"),
]


class Command(BaseCommand):
    help = "Load demo organisations and records for a local portal (dev only; idempotent)."

    def handle(self, *args, **options):
        if settings.NCR_ENV != "dev":
            raise CommandError("Demo data is for dev only.")
        for code, name, audience in DEMO_ORGANISATIONS:
            Organisation.objects.update_or_create(code=code, defaults={"name": name, "audience": audience})
        self.stdout.write(f"Demo data: {len(DEMO_ORGANISATIONS)} organisations.")
