from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Signal handlers import models, which Django allows only once the apps are ready.
        from .signal_handlers import register_signal_handlers  # noqa: PLC0415

        register_signal_handlers()
