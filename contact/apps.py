from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "contact"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
