from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the receiver that puts every new articles index under medical review.
        from . import review  # noqa: F401
