"""Signal handlers that turn editors' changes into publish events.

Each builds its payload while the change is in hand (a deleted page's path is still known in
``pre_delete``) and queues it for after the commit. A failure here is logged, never raised:
the editor's publish must not fail because of webhooks.
"""

import functools
import logging

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from headless.cache import tags as cache_tags
from headless.cache.tags import kind, object_tag
from headless.dependencies import changes_what_is_shown, embedded_models
from headless.references import site_path

from . import dispatch, events
from .endpoints import has_endpoints

logger = logging.getLogger(__name__)


def event_receiver(receiver):
    """Run ``receiver`` only when some endpoint listens, and never let it fail the change."""

    @functools.wraps(receiver)
    def wrapper(*args, **kwargs):
        try:
            if has_endpoints():
                receiver(*args, **kwargs)
        except Exception:
            logger.exception("Could not queue a webhook event")

    return wrapper


@event_receiver
def page_was_published(sender, instance, **kwargs):
    dispatch.queue(events.page_event(events.PAGE_PUBLISHED, instance))


@event_receiver
def page_was_unpublished(sender, instance, **kwargs):
    dispatch.queue(
        events.page_event(events.PAGE_UNPUBLISHED, instance), unless_page_deleted=instance.pk
    )


@event_receiver
def page_will_be_deleted(sender, instance, **kwargs):
    if instance.first_published_at is None:
        return  # never on the frontend
    dispatch.queue(events.page_event(events.PAGE_DELETED, instance))


@event_receiver
def page_was_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    if url_path_before == url_path_after or not instance.live:
        return  # a reorder among siblings changes no path; a draft has none a frontend knows
    old_path = events.path_for_url_path(url_path_before)
    descendants = instance.get_descendants().live().only("url_path", "path", "depth")
    moved_paths = []
    for page in descendants:
        moved_paths.append(site_path(page))
        old_url_path = url_path_before + page.url_path[len(url_path_after) :]
        moved_paths.append(events.path_for_url_path(old_url_path))
    old_parent = kwargs.get("parent_page_before")
    if old_parent is not None and old_parent.live:
        moved_paths.append(site_path(old_parent))
    dispatch.queue(
        events.page_event(events.PAGE_MOVED, instance, old_path=old_path, also_affected=moved_paths)
    )


@event_receiver
def page_slug_was_changed(sender, instance, instance_before, **kwargs):
    # A new slug on a live page moves it as surely as a new parent does.
    if instance_before.live:
        page_was_moved(
            sender,
            instance,
            url_path_before=instance_before.url_path,
            url_path_after=instance.url_path,
        )


def embedded_object_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    # Snippets register in wagtail_hooks modules, which load after this app is ready: which
    # models pages embed is asked at the time of the change, not when connecting. A snippet's
    # draft is no change for frontends: its publishing is.
    if (
        not raw  # loading fixtures
        and issubclass(sender, tuple(embedded_models()))
        and changes_what_is_shown(instance, update_fields)
    ):
        queue_object_event(sender, instance)


EVENTS = {
    cache_tags.IMAGE: events.IMAGE_CHANGED,
    cache_tags.DOCUMENT: events.DOCUMENT_CHANGED,
    cache_tags.REDIRECTS: events.REDIRECT_CHANGED,
    cache_tags.SETTINGS: events.SETTINGS_CHANGED,
}
"""The event an object's change sends, by the kind of its tag; a snippet's otherwise."""


@event_receiver
def queue_object_event(sender, instance):
    event = EVENTS.get(kind(object_tag(instance)), events.SNIPPET_CHANGED)
    dispatch.queue(events.object_event(event, instance))


@event_receiver
def page_privacy_changed(sender, instance, raw=False, **kwargs):
    page = instance.page.specific
    if raw or not page.live:
        return
    descendants = page.get_descendants().live().only("url_path", "path", "depth")
    dispatch.queue(
        events.page_event(
            events.PAGE_PRIVACY_CHANGED,
            page,
            also_affected=[site_path(descendant) for descendant in descendants],
        )
    )


def register_signal_handlers():
    page_published.connect(page_was_published, dispatch_uid="webhooks_published")
    page_unpublished.connect(page_was_unpublished, dispatch_uid="webhooks_unpublished")
    post_page_move.connect(page_was_moved, dispatch_uid="webhooks_moved")
    page_slug_changed.connect(page_slug_was_changed, dispatch_uid="webhooks_slug_changed")
    # Deleting any page deletes its base Page row, so this sees every page once.
    pre_delete.connect(page_will_be_deleted, sender=Page, dispatch_uid="webhooks_deleted")
    post_save.connect(page_privacy_changed, sender=PageViewRestriction, dispatch_uid="wh_privacy")
    post_delete.connect(
        page_privacy_changed, sender=PageViewRestriction, dispatch_uid="wh_privacy_deleted"
    )
    post_save.connect(embedded_object_changed, dispatch_uid="webhooks_object_saved")
    pre_delete.connect(embedded_object_changed, dispatch_uid="webhooks_object_deleted")
