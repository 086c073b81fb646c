from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and media store, then "
        "check every row count and file checksum against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The backup-<time>.tar file.")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore(archive)
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Restored {archive}, made {manifest['made_at']}: {rows} rows and "
            f"{len(manifest['files']) - 1} media files, all matching the manifest."
        )
