"""Remove a user's second factor (their authenticator app and recovery codes).

manage.py reset_mfa <username>

For someone who lost both their app and their recovery codes: their sessions end, and at their
next sign-in they set up a new app. Recorded in the audit log (Reports → Site history).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cms.staff import mfa


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes; they set up new ones at sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        removed = mfa.reset(user)
        self.stdout.write(
            f"Removed {removed} second-factor device(s) of {username}: their sessions have "
            "ended, and they set up a new authenticator app at their next sign-in."
        )
