from django.core.management.base import BaseCommand

from peiyu.institutions.services.calls import calls_load


class Command(BaseCommand):
    help = (
        "Load the shipped calls for applications (institutions/data/calls/*.yaml); existing calls are kept."
    )

    def handle(self, *args, **options):
        created = calls_load()
        self.stdout.write(f"{len(created)} call(s) loaded")
