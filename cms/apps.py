from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "CMS"

    def ready(self):
        # Checks read settings and models, which Django allows only once the apps are ready.
        from . import checks  # noqa: F401, PLC0415  (registers the system checks)
        from .signal_handlers import register_signal_handlers  # noqa: PLC0415

        register_signal_handlers()
