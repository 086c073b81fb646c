"""Signal handlers that record what changed, so cached API responses built from it are dropped.

Each handler names the tags a change affects (in the vocabulary of :mod:`headless.cache.tags`)
and records them in the change's own transaction (:func:`headless.cache.changed`). A page change
affects the page, its descendants when its path or visibility changed, and ``pages``, the set
listings, searches and find-by-path depend on; a change to something pages embed affects it
and, through Wagtail's reference index, the pages that show it.

A saved image (uploaded, its file or focal point changed) has its renditions made by a task
once the save commits (:func:`headless.tasks.make_renditions`), never by an API read.
"""

from functools import partial

from django.core.cache import cache as django_cache
from django.db import transaction
from django.db.models import ManyToManyField
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Locale,
    Page,
    PageViewRestriction,
    Site,
    TranslatableMixin,
)
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move
from wagtail.snippets.models import get_snippet_models

from . import cache, tasks
from .cache import tags as cache_tags
from .cache.tags import object_tag
from .dependencies import changes_what_is_shown, embedded_models, pages_showing
from .references import LOCALES_CACHE_KEY


def term_tags(page, stored=False):
    """Tags of the terms (snippets) a page is filed under: an article's conditions.

    Pages filed under one term are listed together (an article's related articles), so the
    term's tag changes when a page joins or leaves it. ``stored`` reads what the database
    holds, not the page in hand.
    """
    specific = page.specific_deferred
    tags = set()
    for field in type(specific)._meta.get_fields():
        if isinstance(field, ManyToManyField) and field.related_model in embedded_models():
            if stored:
                lookup = {field.related_query_name(): page.pk}
                terms = field.related_model._default_manager.filter(**lookup)
            else:
                terms = getattr(specific, field.name).all()
            tags.update(object_tag(term) for term in terms)
    return tags


def page_tags(page, descendants=False):
    """A page's own tag, its terms', ``pages``, and its descendants' when asked."""
    tags = {object_tag(page), cache_tags.PAGES, *term_tags(page)}
    if descendants:
        pks = Page.objects.descendant_of(page).values_list("pk", flat=True)
        tags.update(cache_tags.page(pk) for pk in pks)
    return tags


def page_about_to_be_saved(sender, instance, raw=False, **kwargs):
    # What the page was before a publish saves it: whether it was live, and its terms.
    if not raw and isinstance(instance, Page) and instance.pk is not None:
        was_live = Page.objects.filter(pk=instance.pk).values_list("live", flat=True).first()
        instance._headless_before = (bool(was_live), term_tags(instance, stored=True))


def translation_tags(instance):
    """Tags of the object's translations: each shows which of the others are live (a page's
    ``meta.translations``) or falls back to them (a snippet not translated yet)."""
    if not isinstance(instance, TranslatableMixin) or instance.translation_key is None:
        return set()
    model = instance.get_translation_model()
    others = model._default_manager.filter(translation_key=instance.translation_key).exclude(
        pk=instance.pk
    )
    return {object_tag(other) for other in others.only("pk")}


def page_was_published(sender, instance, **kwargs):
    """The page changed; its terms only when it joined or left one (or went live), its
    translations only when it went live."""
    was_live, terms_before = getattr(instance, "_headless_before", (False, set()))
    terms_now = term_tags(instance)
    tags = {object_tag(instance), cache_tags.PAGES}
    tags |= (terms_before | terms_now) if not was_live else (terms_before ^ terms_now)
    if not was_live:
        tags |= translation_tags(instance)
    cache.changed(tags)


def page_changed(sender, instance, **kwargs):
    cache.changed(page_tags(instance) | translation_tags(instance))


def page_moved(sender, instance, **kwargs):
    cache.changed(page_tags(instance, descendants=True))


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        cache.changed({object_tag(instance), cache_tags.PAGES})


def object_saved_or_deleted(sender, instance, raw=False, update_fields=None, **kwargs):
    # Snippets register in wagtail_hooks modules, which load after this app is ready: which
    # models pages embed is asked at the time of the change, not when connecting.
    if raw or not issubclass(sender, tuple(embedded_models())):
        return
    if not changes_what_is_shown(instance, update_fields):
        return  # a draft: it reaches the API when it is published (a save of the whole row)
    tags = {object_tag(instance)}
    if sender is get_image_model():
        tags.add(cache_tags.IMAGES)
    elif sender is get_document_model():
        tags.add(cache_tags.DOCUMENTS)
    elif sender in get_snippet_models():
        tags.add(cache_tags.snippets(sender))  # the set a snippet listing shows
    tags.update(cache_tags.page(pk) for pk in pages_showing(instance))
    tags.update(translation_tags(instance))
    cache.changed(tags)


def image_saved(sender, instance, raw=False, **kwargs):
    """Once the save commits, the image's renditions are made (those missing: a title's edit
    makes none)."""
    if not raw:
        transaction.on_commit(partial(tasks.make_renditions.enqueue, instance.pk), robust=True)


def locale_changed(sender, instance, raw=False, **kwargs):
    django_cache.delete(LOCALES_CACHE_KEY)


def page_restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.changed({cache_tags.RESTRICTIONS, *page_tags(instance.page, descendants=True)})


def collection_tags(collection):
    """Tags of what a collection and its descendants hold, and the sets that list them."""
    collections = collection.get_descendants(inclusive=True)
    tags = {cache_tags.IMAGES, cache_tags.DOCUMENTS}
    for model, tag in (
        (get_image_model(), cache_tags.image),
        (get_document_model(), cache_tags.document),
    ):
        pks = model.objects.filter(collection__in=collections).values_list("pk", flat=True)
        tags.update(tag(pk) for pk in pks)
    return tags


def collection_restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        cache.changed({cache_tags.RESTRICTIONS, *collection_tags(instance.collection)})


def collection_saved(sender, instance, raw=False, **kwargs):
    """A collection moved in the admin (saved, then moved with its descendants) may now be
    under a restricted one, or no longer: what it holds is shown or hidden afresh.

    Visibility itself follows restricted collections by id in the tree as it is (see
    :func:`headless.visibility.restricted_collection_ids`); this drops the cached answers.
    Treebeard's ``move()`` sends no signal: code that moves a collection saves it, as
    Wagtail's admin does. Nothing to do while no collection is restricted.
    """
    if not raw and CollectionViewRestriction.objects.exists():
        cache.changed(collection_tags(instance))


def restriction_groups_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        if isinstance(instance, PageViewRestriction):
            page_restriction_changed(sender, instance)
        else:
            collection_restriction_changed(sender, instance)


def site_changed(sender, instance, raw=False, **kwargs):
    # A site's hostname, port and root are in every page's URLs and decide what a host reads.
    if not raw:
        cache.changed({cache_tags.EVERYTHING})


def register_signal_handlers():
    pre_save.connect(page_about_to_be_saved, dispatch_uid="headless_cache_page_before")
    page_published.connect(page_was_published, dispatch_uid="headless_cache_published")
    page_unpublished.connect(page_changed, dispatch_uid="headless_cache_unpublished")
    for signal in (post_page_move, page_slug_changed):
        signal.connect(page_moved, dispatch_uid=f"headless_cache_{signal!r}")
    post_save.connect(object_saved_or_deleted, dispatch_uid="headless_cache_saved")
    post_delete.connect(object_saved_or_deleted, dispatch_uid="headless_cache_deleted")
    post_delete.connect(page_deleted, dispatch_uid="headless_cache_page_deleted")
    post_save.connect(image_saved, sender=get_image_model(), dispatch_uid="headless_image_saved")
    post_save.connect(locale_changed, sender=Locale, dispatch_uid="headless_locale_saved")
    post_delete.connect(locale_changed, sender=Locale, dispatch_uid="headless_locale_deleted")
    post_save.connect(site_changed, sender=Site, dispatch_uid="headless_site_saved")
    post_delete.connect(site_changed, sender=Site, dispatch_uid="headless_site_deleted")
    post_save.connect(collection_saved, sender=Collection, dispatch_uid="headless_collection_saved")
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
