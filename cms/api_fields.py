"""API field serializers shared by every page type.

Each reads the response's :class:`~cms.representation.References` from the serializer
context, which the pages endpoint fills and loads before serializing.
"""

from rest_framework import serializers


class ReferenceField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    @property
    def references(self):
        return self.context["references"]


class ImageField(ReferenceField):
    """An image as an object with absolute URLs and named renditions."""

    def to_representation(self, image):
        return self.references.image_data(image)

    def get_attribute(self, instance):
        # A null foreign key must still reach to_representation's None handling.
        return getattr(instance, self.source, None)


class RichTextField(ReferenceField):
    """Database rich text as frontend-ready HTML."""

    def to_representation(self, html):
        return self.references.rich_text(html)


class StreamField(ReferenceField):
    """A StreamField as ``[{type, id, value}]`` with every reference expanded."""

    def to_representation(self, stream_value):
        context = {"request": self.context["request"], "references": self.references}
        return stream_value.stream_block.get_api_representation(stream_value, context=context)


class PagePathField(ReferenceField):
    """The page's path relative to its site root, so a frontend routes without parsing URLs."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        return self.references.page_path(page)
