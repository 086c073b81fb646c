import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure the 'admin' superuser exists. Its password comes from "
        "DJANGO_SUPERUSER_PASSWORD, or is generated and printed once, when the account is created."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        user = User.objects.filter(username="admin").first()
        if user is None:
            generated = not password
            password = password or secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@example.com", password)
            if generated:
                self.stdout.write(
                    self.style.WARNING(
                        f"Created the admin account: admin / {password} (shown once)"
                    )
                )
            else:
                self.stdout.write("Created the admin account 'admin'.")
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write("Updated the admin password from DJANGO_SUPERUSER_PASSWORD.")
        else:
            self.stdout.write("The admin account 'admin' exists.")
