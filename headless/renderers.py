"""Compact JSON for every answer of the API, written by orjson with the values DRF's encoder gives.

Wagtail's endpoints ask DRF's ``JSONRenderer`` to indent by 4; a frontend reads JSON, not the
page source, and the indented demo article is about 65% larger. :class:`CompactJSONRenderer`
writes no whitespace at all, whatever the renderer context or the ``Accept`` header ask, so
one URL always has one body (the response cache files it by URL).

orjson writes ``str``, numbers, lists, dicts (subclasses too), ``None`` and UUIDs as DRF
does. Everything else (datetimes, dates and times, which orjson would write in its own
format, decimals, lazy translation strings, querysets, sets, bytes) goes to DRF's own
``JSONEncoder.default``, so the JSON values stay exactly what DRF's renderer gave. Keys that
are not strings become strings, as ``json.dumps`` makes them.
"""

import orjson
from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_drf_default = JSONEncoder().default


def dumps(data):
    """``data`` as compact JSON bytes, with the values DRF's renderer would write."""
    return orjson.dumps(data, default=_drf_default, option=_OPTIONS)


class CompactJSONRenderer(JSONRenderer):
    """DRF's JSON renderer without indentation or spaces, written by orjson."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)


class CompactJsonResponse(HttpResponse):
    """Django's ``JsonResponse`` for the API's own views: the same compact bytes."""

    def __init__(self, data, **kwargs):
        kwargs.setdefault("content_type", "application/json")
        super().__init__(dumps(data), **kwargs)
