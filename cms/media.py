"""Uploaded media as `make run` serves it (DEBUG only): image renditions, never documents'
files nor images' originals.

Documents are served by ``/documents/<id>/<name>``, which checks a private collection's
restriction first; their files under ``MEDIA_ROOT/documents/`` are never served by path.
Images' originals (``original_images/``) are never linked by URL: the API and the admin show
renditions, and Wagtail reads an original from storage to make them; an image of a private
collection stays off public URLs that way (its renditions' names are not listed anywhere
public). The
decision is made on the file Django's ``serve`` would open: the path normalised as it does
(``//``, ``./``, ``../``, a ``..`` that leaves ``MEDIA_ROOT`` and comes back), percent-decoded
once more for good measure, links followed, and the directory compared without regard to case
(a case-insensitive filesystem opens ``Documents/`` as ``documents/``). In production the
proxy serves media: docs/production.md has the same rule for it.
"""

import posixpath
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.http import Http404
from django.urls import re_path
from django.views.static import serve

PRIVATE_DIRECTORIES = ("documents", "original_images")


def is_private(path):
    """Whether ``path`` (under MEDIA_ROOT, as in the URL) leads to a document's file or an
    image's original, or out of MEDIA_ROOT, however it is spelled."""
    root = Path(settings.MEDIA_ROOT).resolve()
    for spelling in {path, unquote(path)}:
        normalised = posixpath.normpath(spelling.replace("\\", "/")).lstrip("/")
        opened = (root / normalised).resolve()
        if not opened.is_relative_to(root):
            return True
        parts = opened.relative_to(root).parts
        if parts and parts[0].lower() in PRIVATE_DIRECTORIES:
            return True
    return False


def serve_media(request, path):
    if is_private(path):
        raise Http404("Documents are served by /documents/, images as renditions.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve_media)]
