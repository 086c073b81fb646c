"""What a publish event says: which page changed, where it lives, and which other pages show it.

Paths are relative to the page's site root, as the API gives them (``/articles/ketamine/``), so
a frontend can hand them straight to its revalidation. A page outside every site has no path
and sends no event: no frontend can show it.
"""

from django.utils import timezone
from wagtail.models import Page

from headless import openapi, schema
from headless.cache import tags as cache_tags
from headless.cache.tags import object_tag
from headless.dependencies import pages_showing
from headless.references import locale_code, site_path

PAGE_PUBLISHED = "page.published"
PAGE_UNPUBLISHED = "page.unpublished"
PAGE_DELETED = "page.deleted"
PAGE_MOVED = "page.moved"
PAGE_PRIVACY_CHANGED = "page.privacy_changed"
SNIPPET_CHANGED = "snippet.changed"
IMAGE_CHANGED = "image.changed"
DOCUMENT_CHANGED = "document.changed"
REDIRECT_CHANGED = "redirect.changed"
SETTINGS_CHANGED = "settings.changed"


def path_for_url_path(url_path):
    """The site-relative path a page had at ``url_path`` (e.g. before it moved)."""
    return site_path(Page(url_path=url_path))


def page_event(event, page, *, old_path=None, also_affected=()):
    """The payload of an event about ``page``, or None when the page has no path."""
    path = site_path(page)
    if path is None:
        return None
    details = {
        "id": page.pk,
        "type": _page_type(page),
        "locale": locale_code(page.locale_id),
        "path": path,
    }
    if old_path is not None:
        details["old_path"] = old_path
    affected = set(also_affected)
    parent = page.get_parent()
    if parent is not None and parent.live:
        # Index pages list their children.
        affected.add(site_path(parent))
    # Its translations list it among theirs (meta.translations, the sitemap's alternates).
    translations = set(page.get_translations().live().values_list("pk", flat=True))
    showing = pages_showing(page) | translations
    affected.update(embedding_paths(showing))
    tags = {object_tag(page), cache_tags.PAGES, *(cache_tags.page(pk) for pk in showing)}
    return _payload(event, page=details, affected=affected - {path, old_path}, tags=tags)


def object_event(event, obj):
    """The payload of a change to something pages show, or None when no live page shows it.

    Site settings are on every page: their event says ``all_paths`` instead of listing them.
    A redirect's event names its old path, the one path it changes.
    """
    details = {"id": obj.pk, "type": obj._meta.label}
    if getattr(obj, "locale_id", None) is not None:
        details["locale"] = locale_code(obj.locale_id)
    tags = {object_tag(obj)}
    if event == SETTINGS_CHANGED:
        return _payload(event, object=details, affected=(), tags=tags, all_paths=True)
    if event == REDIRECT_CHANGED:
        details["old_path"] = obj.old_path
        return _payload(event, object=details, affected={obj.old_path}, tags=tags)
    showing = pages_showing(obj)
    affected = set(embedding_paths(showing))
    if not affected:
        return None
    tags.update(cache_tags.page(pk) for pk in showing)
    return _payload(event, object=details, affected=affected, tags=tags)


def embedding_paths(page_ids):
    """Paths of the live pages among ``page_ids`` (those that show something)."""
    pages = Page.objects.filter(pk__in=page_ids).live().only("url_path", "path", "depth")
    return sorted(path for page in pages if (path := site_path(page)) is not None)


def _page_type(page):
    model = page.specific_class
    return model._meta.label if model else page._meta.label


def _payload(event, *, affected, tags, all_paths=False, **details):
    return {
        "event": event,
        "timestamp": timezone.now().isoformat(),
        **details,
        "affected_paths": sorted(path for path in affected if path),
        "all_paths": all_paths,
        # The Cache-Tag names of what changed, for a CDN's purge or Next.js' revalidateTag.
        "tags": sorted(tags),
    }


# The events, what each says about its subject, and when it is sent (docs/webhooks.md).
EVENTS = {
    PAGE_PUBLISHED: (
        "page",
        "A page is published: from the editor, by a workflow approval, or by `publish_scheduled`.",
    ),
    PAGE_UNPUBLISHED: (
        "page",
        "A live page is unpublished (or expires, through `publish_scheduled`).",
    ),
    PAGE_DELETED: (
        "page",
        "A page that was ever published is deleted (one event per page of a deleted subtree; "
        "no `page.unpublished` besides).",
    ),
    PAGE_MOVED: (
        "page",
        "A live page gets a new path: moved under another parent, or its slug changed.",
    ),
    PAGE_PRIVACY_CHANGED: (
        "page",
        "A page (and its subtree) becomes private, or public again: its paths appear in or "
        "leave the sitemap and listings.",
    ),
    SNIPPET_CHANGED: (
        "object",
        "A clinician, condition or treatment that live pages show is saved or deleted.",
    ),
    IMAGE_CHANGED: ("object", "An image that live pages show is saved or deleted."),
    DOCUMENT_CHANGED: ("object", "A document that live pages link to is saved or deleted."),
    REDIRECT_CHANGED: (
        "object",
        "A redirect is added, changed or deleted: `object.old_path` is the path it redirects.",
    ),
    SETTINGS_CHANGED: (
        "object",
        "The site settings (clinic details, navigation, footer, disclaimer) change, in any "
        "language: every page shows them (`all_paths: true`).",
    ),
}
"""Every event: ``{name: (subject, when it is sent)}``. The one registry of both the OpenAPI
document's ``webhooks`` (:func:`api_webhooks`) and docs/webhooks.md's table
(:func:`events_table`)."""


def events_table():
    """The Markdown table of every event in docs/webhooks.md (``manage.py webhook_events_doc``
    writes it there; a test fails while they differ)."""
    rows = ["| Event | Sent when |", "| --- | --- |"]
    rows += [f"| `{event}` | {when} |" for event, (_, when) in EVENTS.items()]
    return "\n".join(rows) + "\n"


def api_webhooks(builder):
    """The OpenAPI ``webhooks`` of every event, defining each payload's schema."""
    subjects = {
        "page": builder.define(
            "WebhookPage",
            schema.obj(
                {
                    "id": schema.INTEGER,
                    "type": schema.STRING,
                    "locale": schema.locale(),
                    "path": schema.STRING,
                    "old_path": schema.STRING,
                },
                required=["id", "type", "locale", "path"],
                description="The page: meta.type, meta.locale and meta.path as the API gives "
                "them; old_path on page.moved only.",
            ),
        ),
        "object": builder.define(
            "WebhookObject",
            schema.obj(
                {
                    "id": schema.INTEGER,
                    "type": schema.STRING,
                    "locale": schema.locale(),
                    "old_path": schema.STRING,
                },
                required=["id", "type"],
                description="What changed: articles.Clinician, wagtailimages.Image, ...; its "
                "locale when it is translatable (a clinician, a term, the site settings); "
                "old_path on redirect.changed only.",
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
                "all_paths": schema.BOOLEAN,
                "tags": schema.array(schema.STRING),
            },
            description=f"{description} The body of the POST, signed in X-Webhook-Signature.",
        )
        webhooks[event] = openapi.webhook(event, builder.define(name, payload), description)
    return webhooks
