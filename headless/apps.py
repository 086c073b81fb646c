from django.apps import AppConfig


class HeadlessConfig(AppConfig):
    name = "headless"
    verbose_name = "Headless API"

    def ready(self):
        # Signal handlers import models, which Django allows only once the apps are ready.
        from .signal_handlers import register_signal_handlers  # noqa: PLC0415

        register_signal_handlers()
