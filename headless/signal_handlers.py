"""Signal handlers that drop cached API responses when what they show changes."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import cache
from .references import embedded_models


def content_changed(**kwargs):
    cache.bump()


def object_saved_or_deleted(sender, instance, **kwargs):
    # Snippets register in wagtail_hooks modules, which load after this app is ready: which
    # models pages embed is asked at the time of the change, not when connecting.
    if issubclass(sender, tuple(embedded_models())):
        cache.bump()


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        cache.bump()


def register_signal_handlers():
    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(content_changed, dispatch_uid=f"headless_cache_{signal!r}")
    post_save.connect(object_saved_or_deleted, dispatch_uid="headless_cache_saved")
    post_delete.connect(object_saved_or_deleted, dispatch_uid="headless_cache_deleted")
    post_delete.connect(page_deleted, dispatch_uid="headless_cache_page_deleted")
