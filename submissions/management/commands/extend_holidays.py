from django.core.management.base import BaseCommand

from submissions.reference import extend_holidays, holiday_years


class Command(BaseCommand):
    help = "Add the Belgian public holidays of last year up to two years ahead that the table lacks."

    def handle(self, *args, **options):
        added = extend_holidays(holiday_years())
        self.stdout.write(f"{added} public holidays added.")
