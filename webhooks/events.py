"""What a publish event says: which page changed, where it lives, and which other pages show it.

Paths are relative to the page's site root, as the API gives them (``/articles/ketamine/``), so
a frontend can hand them straight to its revalidation. A page outside every site has no path
and sends no event: no frontend can show it.
"""

from django.utils import timezone
from wagtail.models import Page

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
