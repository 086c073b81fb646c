"""Where media files are stored: renditions under names that change with their content.

Wagtail names a rendition after its original's file, the focal point's key and the filter
(``images/spine-model.2e16d0ba.fill-640x360.png``), and an original's name is free again once
its file is deleted: an image deleted, or its file replaced twice, and a file of the same name
uploaded gets renditions of the same names with other pictures in them. These storages add
the digest of a rendition's bytes to its name (``...fill-640x360.3f2a9c1b0d4e.png``), so that
a name always means the same bytes and the CDN and browsers may keep it for good; on S3 every
rendition is written with :data:`RENDITION_CACHE_CONTROL`. Originals and documents are
private (the bucket refuses them, documents go through Wagtail's view) and are written with
no public caching, as before. ``cms/settings/base.py`` picks one of the two classes.
"""

import hashlib
import posixpath

from django.core.files import File
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

RENDITIONS = "images/"
"""Where Wagtail keeps renditions (``AbstractRendition.get_upload_to``); originals are under
``original_images/``, documents under ``documents/``."""

RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
"""What the bucket answers for a rendition: a year, never asked again (its name is its
content)."""


def named_by_content(name, content):
    """``name`` with the digest of ``content`` before its extension."""
    digest = hashlib.sha256()
    for chunk in content.chunks():
        digest.update(chunk)
    root, extension = posixpath.splitext(name)
    return f"{root}.{digest.hexdigest()[:12]}{extension}"


class ContentAddressedRenditions:
    """A storage mixin: a rendition saved is named by its content (:func:`named_by_content`)."""

    def save(self, name, content, max_length=None):
        if name is None:
            name = content.name
        if not hasattr(content, "chunks"):
            content = File(content, name)
        if name.startswith(RENDITIONS):
            name = named_by_content(name, content)
        return super().save(name, content, max_length=max_length)


class MediaFileSystemStorage(ContentAddressedRenditions, FileSystemStorage):
    """Media on local disk (``MEDIA_ROOT``), served by the proxy at ``MEDIA_URL``."""


class MediaS3Storage(ContentAddressedRenditions, S3Storage):
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
