"""What the bench compares our API against: stock Wagtail API v2, and bytes served as they are."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpResponse
from rest_framework import serializers
from wagtail import blocks
from wagtail.api import APIField
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.fields import StreamField

from headless import compression


def stock_representation(block, value, context):
    """A block value as stock Wagtail represents it, ignoring this project's overrides.

    The project's blocks expand images and pages in ``get_api_representation``; stock Wagtail
    gives their ids. Containers are walked here so that no child reaches an override.
    """
    if isinstance(block, blocks.BaseStreamBlock):
        return [
            {
                "type": child.block.name,
                "value": stock_representation(child.block, child.value, context),
                "id": child.id,
            }
            for child in value or ()
        ]
    if isinstance(block, blocks.BaseStructBlock):
        return {
            name: stock_representation(block.child_blocks[name], child_value, context)
            for name, child_value in value.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [stock_representation(block.child_block, item, context) for item in value]
    wagtail_class = next(
        cls for cls in type(block).__mro__ if cls.__module__.startswith("wagtail.")
    )
    return wagtail_class.get_api_representation(block, value, context)


class StockStreamField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, stream_value):
        return stock_representation(stream_value.stream_block, stream_value, self.context)


class StockPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint as a project without our representation layer would have it.

    The models' ``api_fields`` that are model fields, each with Wagtail's default serializer:
    related objects as ids with a ``meta`` link, rich text through Wagtail's own rewriters,
    blocks as stock Wagtail represents them.
    """

    @classmethod
    def get_body_fields(cls, model):
        fields = []
        for field in super().get_body_fields(model):
            try:
                model._meta.get_field(field.name)
            except FieldDoesNotExist:
                continue
            fields.append(APIField(field.name))
        return fields

    @classmethod
    def get_field_serializer_overrides(cls, model):
        return {
            field.name: StockStreamField()
            for field in cls.get_body_fields(model)
            if isinstance(model._meta.get_field(field.name), StreamField)
        }


REPLAYED_HEADERS = frozenset(
    [
        "Content-Type",
        "Content-Encoding",
        "Content-Length",
        "Vary",
        "ETag",
        "Cache-Control",
        "Cache-Tag",
        "Surrogate-Key",
    ]
)
"""The headers of a cached answer the prerendered view sends as well (not ``X-Cache``)."""

_prerendered = {}


def _load(name):
    """``(identity body, (brotli body, headers) or None)`` of what the bench wrote as ``name``."""
    directory = Path(settings.BENCH_PRERENDERED_DIR)
    path = directory / f"{name}.json"
    if not settings.BENCH_PRERENDERED_DIR or not path.is_file():
        raise Http404(f"Nothing prerendered as {name}")
    brotli_path = directory / f"{name}.br"
    compressed = None
    if brotli_path.is_file():
        headers = json.loads((directory / f"{name}.headers.json").read_text())
        compressed = (brotli_path.read_bytes(), headers)
    return path.read_bytes(), compressed


def prerendered(request, name):
    """A response rendered earlier, served as it is: the floor under any API view.

    A client that accepts brotli gets, once the bench has recorded them, the brotli bytes and
    the headers the API's cache answered for the same URL.
    """
    loaded = _prerendered.get(name)
    if loaded is None:
        loaded = _prerendered[name] = _load(name)
    body, compressed = loaded
    if compressed is not None and compression.preferred_coding(request) == "br":
        content, headers = compressed
        response = HttpResponse(content)
        for header, value in headers.items():
            response[header] = value
        return response
    return HttpResponse(body, content_type="application/json")
