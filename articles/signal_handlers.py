"""Signal handlers of the articles app."""

from django.db.models.signals import post_save

from .models import ArticleIndexPage
from .review import ensure_review_workflow


def review_new_index(sender, instance, created, raw=False, **kwargs):
    """Every new articles index goes under medical review (the admin, the demo, factories)."""
    if created and not raw:
        ensure_review_workflow(instance)


def register_signal_handlers():
    post_save.connect(review_new_index, sender=ArticleIndexPage, dispatch_uid="articles_review")
