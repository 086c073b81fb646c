"""What an API response depends on, and which responses a change affects.

A response is built from pages, images, documents, snippets and settings; each has a cache tag
(:func:`headless.cache.tags.object_tag`). A change to one of them affects it and the pages that show it
(:func:`pages_showing`, from Wagtail's reference index). The response cache and the webhooks
both reason with these, over the same models (:func:`embedded_models`).
"""

from django.db.models import ManyToManyRel
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import DraftStateMixin, Page, ReferenceIndex
from wagtail.snippets.models import get_snippet_models


def embedded_models():
    """Models whose objects pages show, besides other pages.

    Snippets (chosen in fields and blocks), site settings (shown on every page), images and
    documents (in fields, blocks and rich text) and redirects (answered by find-by-path). The
    response cache and the webhooks both watch exactly these.
    """
    return [
        *get_snippet_models(),
        *settings_registry,
        get_image_model(),
        get_document_model(),
        Redirect,
    ]


DRAFT_BOOKKEEPING_FIELDS = frozenset(
    ["latest_revision", "has_unpublished_changes", "locked", "locked_by", "locked_at"]
)
"""Columns a snippet with drafts saves alone when a draft is saved, locked or unlocked."""


def changes_what_is_shown(instance, update_fields=None):
    """Whether saving (or deleting) ``instance`` can change what the API shows.

    A snippet with drafts (``DraftStateMixin``) keeps its live version in its row: saving a
    draft, locking or unlocking it writes only bookkeeping columns, and a snippet never
    published is shown nowhere. Its publishing and unpublishing save the row whole.
    """
    if not isinstance(instance, DraftStateMixin):
        return True
    if update_fields and DRAFT_BOOKKEEPING_FIELDS.issuperset(update_fields):
        return False
    return instance.live or instance.first_published_at is not None


def pages_showing(obj, hops=2):
    """Ids of the pages that show ``obj``: they link to it, choose it or embed it.

    Wagtail's reference index covers foreign keys, StreamField and rich text, so an article
    found through its author found through the author's photo is two hops. Page many-to-many
    fields (an article's conditions) are not in the index, so they are followed here.
    """
    page_type_id = ReferenceIndex._get_base_content_type(Page).pk
    ids = set()
    for reference in ReferenceIndex.get_references_to(obj).select_related("content_type"):
        if reference.base_content_type_id == page_type_id:
            ids.add(int(reference.object_id))
        elif hops > 1:
            model = reference.content_type.model_class()
            source = model and model._default_manager.filter(pk=reference.object_id).first()
            if source is not None:
                ids.update(pages_showing(source, hops - 1))
    for relation in obj._meta.related_objects:
        if isinstance(relation, ManyToManyRel) and issubclass(relation.related_model, Page):
            ids.update(getattr(obj, relation.get_accessor_name()).values_list("pk", flat=True))
    if isinstance(obj, Page):
        ids.discard(obj.pk)
    return ids
