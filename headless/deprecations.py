"""Deprecation before removal: what the contract still serves but will drop, and how it says so.

A value to be removed is first declared here, once (:func:`deprecate`), with the date it was
deprecated and what replaces it. Its schema says ``deprecated: true`` (:meth:`Deprecation.schema`);
an answer that carries it gets, for as long as it is served:

- ``Deprecation: @<unix time>`` (RFC 9745): when it was deprecated;
- ``Sunset: <HTTP-date>`` (RFC 8594): the deprecation date plus ``API_DEPRECATION_DAYS``
  (90 by default), the earliest day it may go (in a new major version);
- ``Link: <changelog>; rel="deprecation"``: the changelog entry saying what to use instead.

The value that carries it notes that on the request and depends on its tag (:meth:`carried_by`),
so a cached answer, whose ``Cache-Tag`` names the tag, gets the same headers
(:class:`headless.middleware.DeprecationHeadersMiddleware`).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.http import http_date

from . import cache
from .cache import tags as cache_tags

_registry = {}

REQUEST_ATTRIBUTE = "_api_deprecations"


@dataclass(frozen=True)
class Deprecation:
    name: str
    """What is deprecated, as the document names it: ``ContactPage.submit_url``."""
    since: datetime.date
    instead: str
    """What to use instead, in a sentence."""
    anchor: str
    """The changelog's anchor of the entry (the version's heading, e.g. ``220-2026-12-07``)."""

    @property
    def tag(self):
        return cache_tags.deprecated(self.name)

    @property
    def sunset(self):
        return self.since + datetime.timedelta(days=settings.API_DEPRECATION_DAYS)

    def schema(self, schema):
        """``schema`` marked deprecated, its description saying what instead and until when."""
        words = f"Deprecated since {self.since.isoformat()}: {self.instead}"
        return {**schema, "deprecated": True, "description": words}

    def carried_by(self, request, references):
        """The answer to ``request`` carries this value (it is rendering it)."""
        if request is not None:
            noted = request.__dict__.setdefault(REQUEST_ATTRIBUTE, set())
            noted.add(self)
        references.depend_on(self.tag)

    def link(self):
        base = settings.API_CHANGELOG_URL or f"{settings.WAGTAILAPI_BASE_URL}/api/v2/changelog/"
        return f'<{base}#{self.anchor}>; rel="deprecation"; type="text/markdown"'


def deprecate(name, since, instead, anchor):
    """Declare ``name`` deprecated since ``since`` (a date); the one registry of them."""
    deprecation = Deprecation(name, since, instead, anchor)
    _registry[deprecation.tag] = deprecation
    return deprecation


def carried(request, response):
    """The deprecations the answer carries: noted while rendering it, or named by the tags of a
    cached answer."""
    found = set(getattr(request, REQUEST_ATTRIBUTE, ()))
    found.update(_registry[tag] for tag in cache.response_tags(response) if tag in _registry)
    return found


def add_headers(response, deprecations):
    """The headers of RFC 9745 and RFC 8594 for ``deprecations``: the earliest date of each."""
    if not deprecations:
        return response
    earliest = min(deprecations, key=lambda d: d.since)
    since = datetime.datetime.combine(earliest.since, datetime.time(), datetime.UTC)
    sunset = min(d.sunset for d in deprecations)
    response["Deprecation"] = f"@{int(since.timestamp())}"
    response["Sunset"] = http_date(
        datetime.datetime.combine(sunset, datetime.time(), datetime.UTC).timestamp()
    )
    response["Link"] = ", ".join(
        filter(None, [response.get("Link"), *sorted(d.link() for d in deprecations)])
    )
    return response
