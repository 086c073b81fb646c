"""Endpoint base classes of the read-only API: pages, previews, images, documents, one-listing
endpoints (redirects, the sitemap).

Stock Wagtail API v2 viewsets, extended through Wagtail's own hooks: every response's
references (images, pages, documents) are collected first and loaded in a handful of queries,
then serialized into frontend-ready objects (see :mod:`headless.references`). Page types take
part through the hooks of :class:`headless.pages.HeadlessApiMixin`. GETs are served from the
response cache (:mod:`headless.cache`). The project's router (``cms/api.py``) registers them.
"""

from .base import (
    BoundedInputMixin,
    CachedResponseMixin,
    KnownParametersOnly,
    ReferencesMixin,
    SessionIfPresent,
    public_or_bad_request,
)
from .library import DocumentsEndpoint, ImagesEndpoint
from .listing import ListingEndpoint
from .pages import FrontendPageSerializer, PagesEndpoint
from .preview import PagePreviewEndpoint
from .redirects import RedirectsEndpoint, find_redirect, redirect_data, redirect_schema
from .sitemap import SitemapEndpoint

__all__ = [
    "BoundedInputMixin",
    "CachedResponseMixin",
    "DocumentsEndpoint",
    "FrontendPageSerializer",
    "ImagesEndpoint",
    "KnownParametersOnly",
    "ListingEndpoint",
    "PagePreviewEndpoint",
    "PagesEndpoint",
    "RedirectsEndpoint",
    "ReferencesMixin",
    "SessionIfPresent",
    "SitemapEndpoint",
    "find_redirect",
    "public_or_bad_request",
    "redirect_data",
    "redirect_schema",
]
