from django.apps import AppConfig


class HeadlessConfig(AppConfig):
    name = "headless"
    verbose_name = "Headless API"

    def ready(self):
        # Checks read settings, signal handlers import models: Django allows both only once
        # the apps are ready.
        from . import checks  # noqa: F401, PLC0415  (registers the system checks)
        from .signal_handlers import register_signal_handlers  # noqa: PLC0415

        register_signal_handlers()
