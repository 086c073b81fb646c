"""Signal handlers of the articles app."""

from django.db.models.signals import post_save
from wagtail.signals import page_published, published

from .models import ArticleIndexPage, ArticlePage, Clinician, Condition, Treatment
from .review import ensure_review_workflow, log_publish_without_review


def review_new_index(sender, instance, created, raw=False, **kwargs):
    """Every new articles index goes under medical review (the admin, the demo, factories)."""
    if created and not raw:
        ensure_review_workflow(instance)


def log_unreviewed_article(sender, instance, revision=None, alias=False, **kwargs):
    """An article live without a reviewer's approval is on record (a superuser's bypass).

    An alias only mirrors its source, whose own publishing is what is logged.
    """
    if not alias:
        log_publish_without_review(instance, revision)


def log_unreviewed_snippet(sender, instance, revision=None, **kwargs):
    """The same for a medical snippet, once it has drafts and is published (Wagtail sends
    ``published`` only for models with drafts)."""
    log_publish_without_review(instance, revision)


def register_signal_handlers():
    post_save.connect(review_new_index, sender=ArticleIndexPage, dispatch_uid="articles_review")
    page_published.connect(
        log_unreviewed_article, sender=ArticlePage, dispatch_uid="articles_unreviewed_publish"
    )
    for model in (Clinician, Condition, Treatment):
        published.connect(
            log_unreviewed_snippet,
            sender=model,
            dispatch_uid=f"articles_unreviewed_publish_{model._meta.model_name}",
        )
