"""Images a response shows, with their renditions, as the one object the API gives any image."""

import functools

from wagtail.images import get_image_model

from .. import renditions as rendition_rules
from .. import schema
from ..cache import tags as cache_tags
from .library import LibraryLoader
from .urls import absolute_url


def srcset(renditions):
    """``url 320w, url 640w``: the ``srcset`` of renditions as image_data lists them, or None."""
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions) or None


def image_of(obj, field_name):
    """What ``obj``'s image foreign key ``field_name`` holds, without a query: the image when
    the query that read ``obj`` read it along (``select_related``), else its id (or None)."""
    field = obj._meta.get_field(field_name)
    return getattr(obj, field_name) if field.is_cached(obj) else getattr(obj, field.attname)


def _rendition_url(name):
    """The absolute URL of a rendition's file, by its name in storage (as ``file.url`` is)."""
    return absolute_url(_rendition_file_field().storage.url(name))


@functools.cache
def _rendition_file_field():
    return get_image_model().get_rendition_model()._meta.get_field("file")


class ImageLoader(LibraryLoader):
    """The images a response shows, their renditions' rows along: two queries.

    An image given as an object (a chooser block's value, a foreign key read along) is taken as
    it is; one given by its id is fetched with the others.
    """

    get_model = staticmethod(get_image_model)
    tag = staticmethod(cache_tags.image)

    def __init__(self, request):
        super().__init__(request)
        self.shown = set()  # ids rendered, loaded or not: the answer depends on them
        self._renditions = {}
        self._objects = {}

    def add(self, image):
        if image is None:
            return
        if isinstance(image, int):
            self.wanted.add(image)
        else:
            self.loaded[image.pk] = image

    def load(self):
        self.fetch()
        # Their renditions as rows: a response shows dozens, and rows cost no model instances.
        unread = [pk for pk, image in self.loaded.items() if image and pk not in self._renditions]
        if unread:
            rows = (
                get_image_model()
                .get_rendition_model()
                .objects.filter(image_id__in=unread)
                .values_list(
                    "image_id", "filter_spec", "focal_point_key", "file", "width", "height"
                )
            )
            self._renditions.update({pk: {} for pk in unread})
            for image_id, spec, focal_point_key, name, width, height in rows:
                self._renditions[image_id][spec, focal_point_key] = (name, width, height)
        self.hide_unseen()

    def tags(self):
        return {self.tag(pk) for pk in self.loaded.keys() | self.shown}

    def data(self, image, alt=None, decorative=False):
        """An image as an object; see :meth:`headless.references.References.image_data`."""
        if image is None:
            return None
        if isinstance(image, int):  # collected by its id (add_image_of)
            self.shown.add(image)
            image = self.loaded.get(image)
        else:
            self.shown.add(image.pk)
            image = self.loaded.get(image.pk, image)
        if image is None or self.unseen(image):
            return None
        shown = self._objects.get(image.pk)
        if shown is None:
            shown = self._objects[image.pk] = self._object(image)
        return {
            "id": shown["id"],
            "title": shown["title"],
            "alt": "" if decorative else ((alt or "").strip() or None),
            "decorative": bool(decorative),
            **shown,
        }

    def _object(self, image):
        """What :meth:`data` answers for ``image`` wherever it is used (all but its ``alt``
        and ``decorative``), made once per response."""
        specs = rendition_rules.rendition_specs(image)
        renditions = self.renditions(image, rendition_rules.all_specs(specs))
        listed = {
            kind: {
                name: [renditions[spec] for spec in format_specs]
                for name, format_specs in formats.items()
            }
            for kind, formats in specs.items()
        }
        focal_point = None
        if image.has_focal_point():
            focal_point = {
                "x": image.focal_point_x,
                "y": image.focal_point_y,
                "width": image.focal_point_width,
                "height": image.focal_point_height,
            }
        return {
            "id": image.pk,
            "title": image.title,
            "width": image.width,
            "height": image.height,
            "url": absolute_url(image.file.url),
            "focal_point": focal_point,
            "renditions": listed,
            "srcset": {
                kind: {name: srcset(items) for name, items in formats.items()}
                for kind, formats in listed.items()
            },
        }

    def renditions(self, image, specs):
        """``{spec: {url, width, height}}``; see
        :meth:`headless.references.References.renditions`."""
        rows = self._renditions.get(image.pk)
        found = {}
        for spec in specs:
            row = None
            if rows is not None and not image.is_svg():  # Wagtail rewrites an SVG's filters
                row = rows.get((spec, rendition_rules.image_filter(spec).get_cache_key(image)))
            if row is not None:
                name, width, height = row
                found[spec] = {"url": _rendition_url(name), "width": width, "height": height}
            else:
                width, height = rendition_rules.size(image, spec)
                url = absolute_url(rendition_rules.serve_url(image, spec))
                found[spec] = {"url": url, "width": width, "height": height}
        return found


def image_schema(builder):
    """The schema of :meth:`References.image_data`; returns a reference to it."""
    focal_point = builder.define(
        "FocalPoint",
        schema.obj(
            {
                "x": schema.INTEGER,
                "y": schema.INTEGER,
                "width": schema.INTEGER,
                "height": schema.INTEGER,
            }
        ),
    )
    rendition = builder.define(
        "Rendition",
        schema.obj({"url": schema.URL, "width": schema.INTEGER, "height": schema.INTEGER}),
    )

    def by_format(value, description):
        return schema.obj(
            {name: value for name in rendition_rules.FORMATS}, description=description
        )

    renditions = builder.define(
        "ImageRenditions",
        schema.obj(
            {
                "widths": by_format(
                    schema.array(rendition),
                    "The original's aspect ratio at widths 320, 640, 960, 1280 and 1920, none "
                    "above the original's width (which is itself included when smaller), "
                    "narrowest first.",
                ),
                "card": by_format(
                    schema.array(rendition),
                    "A 16:9 crop around the focal point: 640x360, and 1280x720 for an image "
                    "larger than 640x360; never upscaled.",
                ),
            },
            description="Renditions by kind, then by format: the original's, WebP and AVIF "
            "(AVIF is empty where the server's Pillow cannot encode it).",
        ),
    )
    srcsets = builder.define(
        "ImageSrcsets",
        schema.obj(
            {
                kind: by_format(
                    schema.nullable(schema.STRING),
                    f"The {kind} renditions as a srcset ('<url> 320w, <url> 640w'); null "
                    "when there are none in that format.",
                )
                for kind in ("widths", "card")
            },
            description='Ready srcset attributes, for <source type="image/avif"> and '
            '<source type="image/webp"> beside the original\'s <img>.',
        ),
    )
    return builder.define(
        "Image",
        schema.obj(
            {
                "id": schema.INTEGER,
                "title": schema.STRING,
                "alt": {
                    **schema.nullable(schema.STRING),
                    "description": "The alt text where the image is used: empty when it is "
                    "decorative, null when none was given. Never the image's title.",
                },
                "decorative": {
                    **schema.BOOLEAN,
                    "description": "True when screen readers should skip the image (alt is empty).",
                },
                "width": schema.INTEGER,
                "height": schema.INTEGER,
                "url": schema.URL,
                "focal_point": schema.nullable(focal_point),
                "renditions": renditions,
                "srcset": srcsets,
            },
            description="An image with absolute URLs, its renditions and their srcsets.",
        ),
    )
