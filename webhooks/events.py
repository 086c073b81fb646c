"""What a publish event says: which page changed, where it lives, and which other pages show it.

Paths are relative to the page's site root, as the API gives them (``/articles/ketamine/``), so
a frontend can hand them straight to its revalidation. A page outside every site has no path
and sends no event: no frontend can show it.
"""

from django.utils import timezone
from wagtail.models import Page

from headless import openapi, schema
from headless.references import pages_showing, site_path

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
    pages = Page.objects.filter(pk__in=pages_showing(obj)).live().only("url_path", "path", "depth")
    return sorted(path for page in pages if (path := site_path(page)) is not None)


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
