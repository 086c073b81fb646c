"""What a publish event says: which page changed, where it lives, and which other pages show it.

Paths are relative to the page's site root, as the API gives them (``/articles/ketamine/``), so
a frontend can hand them straight to its revalidation. A page outside every site has no path
and sends no event: no frontend can show it.
"""

from django.db.models import ManyToManyRel
from django.utils import timezone
from wagtail.models import Page, ReferenceIndex

from headless import openapi, schema
from headless.references import site_path

PAGE_PUBLISHED = "page.published"
PAGE_UNPUBLISHED = "page.unpublished"
PAGE_DELETED = "page.deleted"
PAGE_MOVED = "page.moved"
SNIPPET_CHANGED = "snippet.changed"
IMAGE_CHANGED = "image.changed"


def path_for_url_path(url_path):
    """The site-relative path a page had at ``url_path`` (e.g. before it moved)."""
    return site_path(Page(url_path=url_path))


def page_event(event, page, *, old_path=None, also_affected=()):
    """The payload of an event about ``page``, or None when the page has no path."""
    path = site_path(page)
    if path is None:
        return None
    details = {"id": page.pk, "type": _page_type(page), "path": path}
    if old_path is not None:
        details["old_path"] = old_path
    affected = set(also_affected)
    parent = page.get_parent()
    if parent is not None and parent.live:
        # Index pages list their children.
        affected.add(site_path(parent))
    affected.update(embedding_paths(page))
    return _payload(event, page=details, affected=affected - {path, old_path})


def object_event(event, obj):
    """The payload of a change to something pages embed, or None when no live page shows it."""
    affected = set(embedding_paths(obj))
    if not affected:
        return None
    details = {"id": obj.pk, "type": obj._meta.label}
    return _payload(event, object=details, affected=affected)


def embedding_paths(obj):
    """Paths of the live pages that show ``obj``: they link to it, choose it or embed it."""
    page_ids = set(_referencing_page_ids(obj, hops=2))
    if isinstance(obj, Page):
        page_ids.discard(obj.pk)
    pages = Page.objects.filter(pk__in=page_ids).live().only("url_path", "path", "depth")
    return sorted(path for page in pages if (path := site_path(page)) is not None)


def _referencing_page_ids(obj, hops):
    """Pages that reference ``obj``, or reference something that does, up to ``hops`` away.

    Wagtail's reference index covers foreign keys, StreamField and rich text, so an article
    found through its author found through the author's photo is two hops. Page many-to-many
    fields (an article's conditions) are not in the index, so they are followed here.
    """
    page_type_id = ReferenceIndex._get_base_content_type(Page).pk
    references = ReferenceIndex.get_references_to(obj).select_related("content_type")
    for reference in references:
        if reference.base_content_type_id == page_type_id:
            yield int(reference.object_id)
        elif hops > 1 and (source := _source_object(reference)) is not None:
            yield from _referencing_page_ids(source, hops - 1)
    for relation in obj._meta.related_objects:
        if isinstance(relation, ManyToManyRel) and issubclass(relation.related_model, Page):
            yield from getattr(obj, relation.get_accessor_name()).values_list("pk", flat=True)


def _source_object(reference):
    model = reference.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=reference.object_id).first()


def _page_type(page):
    model = page.specific_class
    return model._meta.label if model else page._meta.label


def _payload(event, *, affected, **details):
    return {
        "event": event,
        "timestamp": timezone.now().isoformat(),
        **details,
        "affected_paths": sorted(path for path in affected if path),
    }


# The events, what each says about its subject, and when it is sent (docs/webhooks.md).
EVENTS = {
    PAGE_PUBLISHED: ("page", "A page was published."),
    PAGE_UNPUBLISHED: ("page", "A live page was unpublished or expired."),
    PAGE_DELETED: ("page", "A page that was ever published was deleted."),
    PAGE_MOVED: ("page", "A live page has a new path: moved, or its slug changed."),
    SNIPPET_CHANGED: ("object", "A clinician, condition or treatment live pages show changed."),
    IMAGE_CHANGED: ("object", "An image live pages show changed."),
}


def api_webhooks(builder):
    """The OpenAPI ``webhooks`` of every event, defining each payload's schema."""
    subjects = {
        "page": builder.define(
            "WebhookPage",
            schema.obj(
                {
                    "id": schema.INTEGER,
                    "type": schema.STRING,
                    "path": schema.STRING,
                    "old_path": schema.STRING,
                },
                required=["id", "type", "path"],
                description="The page: meta.type and meta.path as the API gives them; old_path "
                "on page.moved only.",
            ),
        ),
        "object": builder.define(
            "WebhookObject",
            schema.obj(
                {"id": schema.INTEGER, "type": schema.STRING},
                description="What changed: articles.Clinician, wagtailimages.Image, ...",
            ),
        ),
    }
    webhooks = {}
    for event, (subject, description) in EVENTS.items():
        name = "WebhookEvent_" + event.replace(".", "_")
        payload = schema.obj(
            {
                "event": {"const": event},
                "delivery_id": {"type": "string", "format": "uuid"},
                "timestamp": schema.DATE_TIME,
                subject: subjects[subject],
                "affected_paths": schema.array(schema.STRING),
            },
            description=f"{description} The body of the POST, signed in X-Webhook-Signature.",
        )
        webhooks[event] = openapi.webhook(event, builder.define(name, payload), description)
    return webhooks
