"""Signal handlers that record what changed, so cached API responses built from it are dropped.

Each handler names the tags a change affects (see :func:`headless.references.object_tag`) and
records them in the change's own transaction (:func:`headless.cache.changed`). A page change
affects the page, its descendants when its path or visibility changed, and ``pages``, the set
listings, searches and find-by-path depend on; a change to something pages embed affects it
and, through Wagtail's reference index, the pages that show it.
"""

from django.db.models import ManyToManyField
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move
from wagtail.snippets.models import get_snippet_models

from . import cache
from .dependencies import embedded_models, object_tag, pages_showing


def page_tags(page, descendants=False):
    """A page's own tag, the taxonomy it is filed under, and its descendants' when asked."""
    tags = {object_tag(page), "pages"}
    specific = page.specific_deferred
    for field in type(specific)._meta.get_fields():
        # Pages filed under a term (an article's conditions) are listed together: the others'
        # related articles may change.
        if isinstance(field, ManyToManyField) and field.related_model in embedded_models():
            tags.update(object_tag(term) for term in getattr(specific, field.name).all())
    if descendants:
        pks = Page.objects.descendant_of(page).values_list("pk", flat=True)
        tags.update(f"page-{pk}" for pk in pks)
    return tags


def page_changed(sender, instance, **kwargs):
    cache.changed(page_tags(instance))


def page_moved(sender, instance, **kwargs):
    cache.changed(page_tags(instance, descendants=True))


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        cache.changed({object_tag(instance), "pages"})


def object_saved_or_deleted(sender, instance, raw=False, **kwargs):
    # Snippets register in wagtail_hooks modules, which load after this app is ready: which
    # models pages embed is asked at the time of the change, not when connecting.
    if raw or not issubclass(sender, tuple(embedded_models())):
        return
    tags = {object_tag(instance)}
    if sender is get_image_model():
        tags.add("images")
    elif sender is get_document_model():
        tags.add("documents")
    elif sender in get_snippet_models():
        tags.add(f"snippets-{sender._meta.model_name}")  # the set a snippet listing shows
    tags.update(f"page-{pk}" for pk in pages_showing(instance))
    cache.changed(tags)


def page_restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.changed(page_tags(instance.page, descendants=True))


def collection_restriction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    collections = instance.collection.get_descendants(inclusive=True)
    tags = {"images", "documents"}
    for model, prefix in ((get_image_model(), "image"), (get_document_model(), "document")):
        pks = model.objects.filter(collection__in=collections).values_list("pk", flat=True)
        tags.update(f"{prefix}-{pk}" for pk in pks)
    cache.changed(tags)


def restriction_groups_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        if isinstance(instance, PageViewRestriction):
            page_restriction_changed(sender, instance)
        else:
            collection_restriction_changed(sender, instance)


def register_signal_handlers():
    for signal in (page_published, page_unpublished):
        signal.connect(page_changed, dispatch_uid=f"headless_cache_{signal!r}")
    for signal in (post_page_move, page_slug_changed):
        signal.connect(page_moved, dispatch_uid=f"headless_cache_{signal!r}")
    post_save.connect(object_saved_or_deleted, dispatch_uid="headless_cache_saved")
    post_delete.connect(object_saved_or_deleted, dispatch_uid="headless_cache_deleted")
    post_delete.connect(page_deleted, dispatch_uid="headless_cache_page_deleted")
    for model, handler in (
        (PageViewRestriction, page_restriction_changed),
        (CollectionViewRestriction, collection_restriction_changed),
    ):
        uid = f"headless_cache_{model._meta.model_name}"
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}_deleted")
        m2m_changed.connect(
            restriction_groups_changed, sender=model.groups.through, dispatch_uid=f"{uid}_groups"
        )
