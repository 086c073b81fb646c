from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one dated archive of the database, the media and a manifest of counts and "
        "checksums (cms/backup.py). The encryption keys are never in it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default="backups", help="Where the archive goes.")

    def handle(self, *args, output_dir, **options):
        try:
            path = backup(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {path}")
