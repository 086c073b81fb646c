"""What the bench compares our API against: stock Wagtail API v2, and bytes served as they are."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpResponse
from rest_framework import serializers
from wagtail import blocks
from wagtail.api import APIField
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.fields import StreamField


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


_prerendered = {}


def prerendered(request, name):
    """A response body rendered earlier, served as it is: the floor under any API view."""
    body = _prerendered.get(name)
    if body is None:
        path = Path(settings.BENCH_PRERENDERED_DIR) / f"{name}.json"
        if not settings.BENCH_PRERENDERED_DIR or not path.is_file():
            raise Http404(f"Nothing prerendered as {name}")
        body = _prerendered[name] = path.read_bytes()
    return HttpResponse(body, content_type="application/json")
