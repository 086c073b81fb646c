from django.apps import AppConfig


class HeadlessConfig(AppConfig):
    name = "headless"
    verbose_name = "Headless API"

    def ready(self):
        # Checks read settings, signal handlers import models: Django allows both only once
        # the apps are ready.
        from . import cache, checks  # noqa: F401, PLC0415  (checks registers the system checks)
        from .signal_handlers import register_signal_handlers  # noqa: PLC0415

        cache.register_signal_handlers()
        register_signal_handlers()
