from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Checks and signal handlers import models, which Django allows only once apps are ready.
        from . import checks  # noqa: F401, PLC0415  (registers the system checks)
        from .signal_handlers import register_signal_handlers  # noqa: PLC0415

        register_signal_handlers()
