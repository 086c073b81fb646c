"""Where media files are stored: every rendition under a name no other file has had.

Wagtail names a rendition after its original's file, the focal point's key and the filter
(``images/spine-model.2e16d0ba.fill-640x360.png``), and an original's name is free again once
its file is deleted: an image deleted, or its file replaced twice, and a file of the same name
uploaded gets renditions of the same names with other pictures in them. These storages add a
random part to the name of each rendition Wagtail saves (``...fill-640x360.3f2a9c1b0d4e.png``),
so that a name always means the same bytes and the CDN and browsers may keep it for good; on S3
every rendition is written with :data:`RENDITION_CACHE_CONTROL`. Originals and documents are
private (the bucket refuses them, documents go through Wagtail's view) and are written with no
public caching, as before. ``cms/settings/env.py`` picks one of the two classes.

The name is made in ``generate_filename``, which a model's file field calls before saving a new
file; a restore (``cms/backup.py``) saves files under the names it has, through ``save``.
"""

import functools
import posixpath
import secrets
from urllib.parse import urljoin

from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

RENDITIONS = "images/"
"""Where Wagtail keeps renditions (``AbstractRendition.get_upload_to``); originals are under
``original_images/``, documents under ``documents/``."""

RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
"""What the bucket answers for a rendition: a year, never asked again (its name is never
given to other bytes)."""


class UniqueRenditionNames:
    """A storage mixin: each new rendition's name gets 12 random hex digits before its
    extension (48 bits, and a name taken is never given: ``get_available_name``)."""

    def generate_filename(self, filename):
        filename = super().generate_filename(filename)
        if not filename.startswith(RENDITIONS):
            return filename
        root, extension = posixpath.splitext(filename)
        return f"{root}.{secrets.token_hex(6)}{extension}"


class MediaFileSystemStorage(UniqueRenditionNames, FileSystemStorage):
    """Media on local disk (``MEDIA_ROOT``), served by the proxy at ``MEDIA_URL``."""

    def url(self, name):
        """``FileSystemStorage.url`` without its ``urljoin`` (a detail lists some 70 renditions):
        the quoted name appended to ``base_url``, wherever that is the same URL."""
        path = filepath_to_uri(name)
        if path is None or not _appends(self.base_url) or not _plain_path(path):
            return super().url(name)
        return self.base_url + path.lstrip("/")


@functools.cache
def _appends(base_url):
    """Whether ``urljoin(base_url, path)`` is ``base_url + path`` for a plain path: the base
    ends with a slash, and has no empty or dot segments for ``urljoin`` to drop."""
    return base_url is not None and urljoin(base_url, "a/b") == f"{base_url}a/b"


def _plain_path(path):
    """A quoted path ``urljoin`` leaves as it is: no empty or dot segments (quoting leaves no
    ``:``, ``?`` or ``#`` in it)."""
    path = path.lstrip("/")
    return "//" not in path and "/." not in f"/{path}"


class MediaS3Storage(UniqueRenditionNames, S3Storage):
    """Media in an S3 bucket; renditions are written cacheable for good."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        if self._without_location(name).startswith(RENDITIONS):
            parameters["CacheControl"] = RENDITION_CACHE_CONTROL
        return parameters

    def _without_location(self, name):
        """The storage's name of an object, from its key (which starts with ``location``)."""
        location = self.location.strip("/")
        return name.removeprefix(f"{location}/") if location else name
