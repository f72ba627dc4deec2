"""Make the projects of funded decisions whose letter was sent before projects existed."""

from django.core.management.base import BaseCommand

from projects.services import create_missing_projects


class Command(BaseCommand):
    help = "Create the project of every funded decision whose funding letter was sent."

    def handle(self, *args, **options):
        made = create_missing_projects()
        self.stdout.write(f"{len(made)} project(s) created.")
