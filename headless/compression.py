"""Which bytes a client gets: brotli or gzip when its ``Accept-Encoding`` accepts them.

Two ways in, one rule for choosing:

- **Cached API answers are compressed once**, when :mod:`headless.cache` stores them
  (:func:`encode` gives every coding's body), and each hit or miss answers in the client's
  coding with :func:`respond`: a hit compresses nothing. The OpenAPI document is kept the
  same way, once per process.
- **Everything else** (answers rendered for one signed-in visitor, previews, uncached API
  answers, the admin) is compressed per response by :class:`CompressionMiddleware`, Django's
  ``GZipMiddleware`` with brotli preferred.

Either way: brotli before gzip when a client rates them alike (q-values are honoured, ``q=0``
refuses); bodies under :data:`MIN_BYTES` and types that are compressed already (images, PDFs,
archives) go as they are; ``Vary: Accept-Encoding`` on every answer whose bytes depend on it;
and a compressed body's ETag is the identity body's weakened, as Django's ``GZipMiddleware``
does. A weak ETag says "the same content" rather than "the same bytes": ``If-None-Match`` (a
weak comparison) still answers 304 for whichever encoding the client holds, and nothing that
compares strongly mistakes one representation for the other.

Not django-compression-middleware: its last release (2023) names Django 4.1 at most, ignores
q-values other than 0, needs zstandard too, and compresses every content type.
"""

import functools
import re

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.text import compress_sequence, compress_string

CODINGS = ("br", "gzip")
"""The content codings the server writes, best first."""

MIN_BYTES = 500
"""Bodies smaller than this go as they are: with their headers they fill the same packets."""

BROTLI_QUALITY = 5
"""Of brotli's 0 to 11. The 18 KB demo article takes a third of a millisecond at 5 and comes
out about 5% smaller than gzip's; 11 saves another 13% but takes over 20 ms, which every cache
miss would pay."""

COMPRESSIBLE = re.compile(
    r"\s*(text/|application/(json|javascript|xml|[\w.-]+\+(json|xml))\b|image/svg\+xml)", re.I
)
"""Content types worth compressing; the rest (images, PDFs, archives) are compressed already."""

_HEADER_LIMIT = 1000  # a longer Accept-Encoding is read no further


def compress(content, coding, *, max_random_bytes=None):
    """``content`` in ``coding`` (``"br"`` or ``"gzip"``)."""
    if coding == "br":
        return brotli.compress(content, quality=BROTLI_QUALITY)
    return compress_string(content, max_random_bytes=max_random_bytes)


def encode(content):
    """``{coding: body}`` of ``content`` in every coding; empty for a body under MIN_BYTES."""
    if len(content) < MIN_BYTES:
        return {}
    return {coding: compress(content, coding) for coding in CODINGS}


def preferred_coding(request, codings=CODINGS):
    """The one of ``codings`` the request's ``Accept-Encoding`` rates highest; None: identity.

    As RFC 9110 (12.5.3) has it: each coding's q-value (1 when none is given), ``*`` for any
    coding not named, ``q=0`` for "not this one", and identity acceptable unless refused. A
    tie goes to the earlier of ``codings``; identity wins only when rated higher than all.
    """
    accept_encoding = request.META.get("HTTP_ACCEPT_ENCODING", "")[:_HEADER_LIMIT]
    return _preferred(accept_encoding, tuple(codings))


@functools.lru_cache(maxsize=256)  # clients send few distinct headers; a hit is read per request
def _preferred(accept_encoding, codings):
    weights = {}
    for item in accept_encoding.split(","):
        name, *parameters = item.split(";")
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.strip().lower()] = weight
    anything = weights.get("*", 0.0)
    best, best_weight = None, 0.0
    for coding in codings:
        weight = weights.get(coding, anything)
        if weight > best_weight:
            best, best_weight = coding, weight
    if weights.get("identity", 0.0) > best_weight:
        return None
    return best


def _weaken_etag(response):
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response["ETag"] = "W/" + etag


def respond(request, response, encoded):
    """``response`` with the body of ``encoded`` (from :func:`encode`) its client prefers.

    ``response`` holds the identity body and its ETag. Sets ``Vary``, ``Content-Encoding`` and
    ``Content-Length``; compresses nothing.
    """
    if encoded:
        patch_vary_headers(response, ["Accept-Encoding"])
        coding = preferred_coding(request, tuple(encoded))
        if coding is not None:
            response.content = encoded[coding]
            response["Content-Encoding"] = coding
            _weaken_etag(response)
    response["Content-Length"] = str(len(response.content))
    return response


def _brotli_sequence(chunks):
    compressor = brotli.Compressor(quality=BROTLI_QUALITY)
    for chunk in chunks:
        if out := compressor.process(chunk):
            yield out
    yield compressor.finish()


class CompressionMiddleware(MiddlewareMixin):
    """Django's ``GZipMiddleware``, with brotli preferred and this module's rules.

    Leaves alone an answer that already has a ``Content-Encoding`` (a cached API answer), is
    smaller than :data:`MIN_BYTES`, is of a type not worth compressing, or streams
    asynchronously. Like Django's, gzip puts random bytes in the file name (its answer to
    BREACH); Django masks the CSRF token afresh in every page as well.
    """

    max_random_bytes = GZipMiddleware.max_random_bytes

    def process_response(self, request, response):
        if response.has_header("Content-Encoding"):
            return response
        if not COMPRESSIBLE.match(response.get("Content-Type", "")):
            return response
        if response.streaming:
            if response.is_async:
                return response
        elif len(response.content) < MIN_BYTES:
            return response
        patch_vary_headers(response, ["Accept-Encoding"])
        coding = preferred_coding(request)
        if coding is None:
            return response
        if response.streaming:
            if coding == "br":
                response.streaming_content = _brotli_sequence(response.streaming_content)
            else:
                response.streaming_content = compress_sequence(
                    response.streaming_content, max_random_bytes=self.max_random_bytes
                )
            # The compressed length is known only once it has all been sent.
            del response.headers["Content-Length"]
        else:
            content = compress(response.content, coding, max_random_bytes=self.max_random_bytes)
            if len(content) >= len(response.content):
                return response
            response.content = content
            response["Content-Length"] = str(len(content))
        _weaken_etag(response)
        response["Content-Encoding"] = coding
        return response
