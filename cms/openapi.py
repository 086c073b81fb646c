"""The API's contract, served: ``/api/v2/openapi.json``, its human-readable ``/api/v2/docs/``, and
``/api/v2/changelog/`` (docs/api-changelog.md, where deprecation headers link to).

The document is built once per process from the code (``cms.api.build_openapi``) and served as
compact JSON, compressed once too (``headless.compression``); it changes only with a deploy.
The docs page is Swagger UI from ``drf_spectacular_sidecar``'s static files, started by our own
static script, so it needs nothing from another origin and no inline script under the
Content-Security-Policy.
"""

import functools
import json
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import set_response_etag
from django.views.decorators.http import require_safe

from headless import compression

from .api import build_openapi


def document_text(document):
    """Sorted keys and a fixed indent: the same code always gives the same bytes, so the file
    can be committed and diffed."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def openapi_text():
    return document_text(build_openapi())


@functools.cache
def _served():
    """The compact document with its ETag and its compressed bodies, made once per process."""
    # Keys sorted as in the committed file: types generated from the URL or from `make types`
    # are the same bytes (openapi-typescript writes them in the document's order).
    compact = json.dumps(build_openapi(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(compact.encode(), content_type="application/json")
    set_response_etag(response)
    return response.content, response["ETag"], compression.encode(response.content)


@require_safe
def openapi_json(request):
    """The document as compact JSON (the committed file is indented, for its diffs)."""
    content, etag, encoded = _served()
    response = HttpResponse(content, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return compression.respond(request, response, encoded)


@require_safe
def docs(request):
    return render(request, "cms/api_docs.html", {"openapi_url": reverse("openapi")})


@functools.cache
def _changelog():
    return (Path(settings.BASE_DIR) / "docs" / "api-changelog.md").read_bytes()


@require_safe
def changelog(request):
    """docs/api-changelog.md as it was deployed: what each version of the contract changed."""
    response = HttpResponse(_changelog(), content_type="text/markdown; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
