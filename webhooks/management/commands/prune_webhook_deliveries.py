from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from webhooks.models import WebhookDelivery


class Command(BaseCommand):
    help = "Delete finished webhook deliveries (and their attempts) older than --days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Keep this many days (30).")

    def handle(self, *, days, **options):
        if days < 0:
            raise CommandError("--days must be zero or more.")
        finished = WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED],
            created_at__lt=timezone.now() - timedelta(days=days),
        )
        count = finished.count()
        finished.delete()
        self.stdout.write(f"Deleted {count} webhook deliveries older than {days} days.")
