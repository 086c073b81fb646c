"""An image's renditions: which it has, their URLs before they exist, and making them.

What must hold: **no rendition is made while an API answer is rendered.** An answer names every
rendition at once, with the size it has or will have:

- a rendition already made is its file's URL in storage (the CDN serves it);
- one not made yet is a signed URL of Wagtail's image serve view (:func:`serve_url`, routed by
  ``cms/urls.py`` to :class:`headless.views.ImageServeView`), which makes it on its first
  request and redirects to the file from then on.

Renditions are made by :func:`headless.tasks.make_renditions` when an image is saved (uploaded,
its file or focal point changed), on the ``media`` task backend; when it has made them, the
image's cache tag changes and the answers showing it are rendered again with the files' URLs.

A serve URL ends in a name made of what the rendition depends on (the original's file and the
focal point, where the filter reads it) and the output's extension: a URL's meaning never
changes, so the CDN may keep its answer for good (``immutable``). The name is not signed; a
wrong one is served too, with a short lifetime.
"""

import functools
import hashlib
import logging
import time
from contextvars import ContextVar
from pathlib import PurePosixPath

from django.dispatch import Signal
from django.urls import reverse
from PIL import features
from wagtail.images.models import Filter, SourceImageIOError
from wagtail.images.utils import generate_signature

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280, 1920)
"""Widths of the original's aspect ratio, for a ``srcset``; never above the original's width."""

CARD_SIZES = ((640, 360), (1280, 720))
"""The 16:9 card crop around the editor's focal point, at 1x and 2x."""

FORMATS = {"original": "", "webp": "|format-webp", "avif": "|format-avif"}
"""Each rendition in the original's format and beside it in WebP and AVIF."""

AVIF_AVAILABLE = features.check("avif")
"""Pillow without an AVIF encoder gives no AVIF renditions (empty lists, null srcsets)."""

EMBED_WIDTH = 960
"""The width of an image embedded in rich text."""

MIN_WIDTH, MAX_WIDTH = 16, 3840
"""The widths a frontend may ask for beyond the listed ones (``/api/v2/images/<id>/url/``)."""

SERVE_VIEW = "wagtailimages_serve"
"""The URL name of the image serve view (Wagtail's name, which ``generate_image_url`` uses)."""

made = Signal()
"""Sent with ``count`` and ``seconds`` after renditions were made, and ``where`` they were made:
``task`` (after an upload or change) or ``url`` (a serve URL asked before the task ran)."""

making = ContextVar("making_renditions", default=False)
"""True while :func:`make` makes renditions: Wagtail makes several in one ``bulk_create``,
which sends no ``post_save``, so what it makes is counted by :data:`made` alone."""


def rendition_specs(image):
    """Wagtail filter specs of every rendition ``image`` carries: ``{kind: {format: [spec]}}``.

    ``kind`` is ``widths`` (the original's aspect ratio) or ``card`` (16:9 crops). Nothing is
    larger than the original: widths stop at its own width, the 2x card only for an image
    larger than the 1x one. The answer is shared: read it, never change it.
    """
    return _specs_for_size(image.width, image.height)


@functools.cache
def _specs_for_size(image_width, image_height):
    widths = [width for width in WIDTHS if width <= image_width]
    if image_width < WIDTHS[-1] and image_width not in widths:
        widths.append(image_width)
    cards = [
        (width, height)
        for n, (width, height) in enumerate(CARD_SIZES)
        if n == 0 or (image_width > CARD_SIZES[n - 1][0] and image_height > CARD_SIZES[n - 1][1])
    ]
    bases = {
        "widths": [f"width-{width}" for width in widths],
        "card": [f"fill-{width}x{height}" for width, height in cards],
    }
    return {
        kind: {
            name: [base + suffix for base in kind_bases] if name != "avif" or AVIF_AVAILABLE else []
            for name, suffix in FORMATS.items()
        }
        for kind, kind_bases in bases.items()
    }


def all_specs(specs):
    """Every spec of :func:`rendition_specs`'s answer, in a list."""
    return [spec for formats in specs.values() for names in formats.values() for spec in names]


def embed_spec(image):
    """The spec of ``image`` embedded in rich text: one of its widths (never above its own)."""
    return f"width-{min(EMBED_WIDTH, image.width)}"


def width_spec(image, width, format_name):
    """The spec of ``image`` at ``width`` (at most its own) in ``format_name`` (of FORMATS)."""
    return f"width-{min(width, image.width)}{FORMATS[format_name]}"


@functools.cache
def image_filter(spec):
    """Wagtail's ``Filter`` for a spec, made once per process.

    Wagtail parses a spec's operations once per ``Filter`` object, and asking an image for its
    renditions by spec strings makes new ones every time: parsing 20 specs cost more than the
    rest of an image's representation.
    """
    return Filter(spec=spec)


def size(image, spec):
    """``(width, height)`` of ``image``'s rendition by ``spec``, from the database's figures
    alone: the transforms Wagtail will apply, without opening the original."""
    return image_filter(spec).get_transform(image).size


def url_name(image, spec):
    """The last part of a serve URL: what the rendition depends on, and its extension."""
    filter = image_filter(spec)
    parts = f"{image.file.name}|{image.file_hash}|{filter.get_cache_key(image)}"
    digest = hashlib.sha256(parts.encode()).hexdigest()[:16]
    return f"{digest}.{_extension(image, spec)}"


def _extension(image, spec):
    for name in FORMATS:
        if name != "original" and spec.endswith(FORMATS[name]):
            return name
    return PurePosixPath(image.file.name).suffix.lstrip(".").lower() or "img"


def serve_url(image, spec):
    """The signed URL of the serve view that makes ``image``'s rendition by ``spec`` and
    redirects to its file (a path: make it absolute where it is shown)."""
    signature = generate_signature(image.pk, spec)
    return reverse(SERVE_VIEW, args=(signature, image.pk, spec)) + url_name(image, spec)


def make(image, specs, where):
    """``image``'s renditions by ``specs`` (in their order), making those not made yet, and
    how many it made: ``(renditions, count)``.

    Raises ``SourceImageIOError`` when one must be made and the original is missing, and
    ``InvalidFilterSpecError`` for a spec Wagtail cannot read.
    """
    rendition_model = image.get_rendition_model()
    before = rendition_model.objects.filter(image=image).count()
    started = time.perf_counter()
    token = making.set(True)
    try:
        found = list(image.get_renditions(*(image_filter(spec) for spec in specs)).values())
    finally:
        making.reset(token)
    count = rendition_model.objects.filter(image=image).count() - before
    if count > 0:
        made.send(sender=make, count=count, seconds=time.perf_counter() - started, where=where)
    return found, count


def make_all(image):
    """Make every rendition the API shows of ``image``; how many were made (0 when its
    original is missing from storage: logged, and the serve URLs will answer 410)."""
    specs = [*all_specs(rendition_specs(image)), embed_spec(image)]
    try:
        count = make(image, specs, "task")[1]
    except SourceImageIOError:
        logger.warning("Image %s has no file in storage; its renditions cannot be made", image.pk)
        return 0
    logger.info("Made %d renditions of image %s", count, image.pk)
    return count
