from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "contact"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Checks import models, which Django allows only once the apps are ready.
        from . import checks  # noqa: F401, PLC0415  (registers the system checks)
