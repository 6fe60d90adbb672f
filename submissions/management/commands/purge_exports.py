from django.core.management.base import BaseCommand

from submissions import export_jobs


class Command(BaseCommand):
    help = "Delete expired exports and old failed ones (file and row); mark interrupted ones failed."

    def handle(self, *args, **options):
        removed = export_jobs.purge_expired()
        self.stdout.write(f"{removed} export(s) removed.")
