"""Answers are compact JSON, compressed for clients that ask, and a cache hit compresses nothing.

Every JSON answer of the API (pages, previews, images, documents, redirects, the sitemap, the
site, the taxonomy, form submissions, the OpenAPI document, errors) is compact: no indentation,
no spaces, the values DRF's encoder gives. A client whose ``Accept-Encoding`` accepts brotli
(preferred) or gzip gets that encoding, with ``Vary: Accept-Encoding`` and the identity
answer's ETag weakened; a cached answer keeps its compressed bodies, so a hit compresses
nothing.
"""

import datetime
import decimal
import gzip
import json
import os
import uuid
import zlib
from unittest import mock

import brotli
import orjson
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site
from wagtail_factories import DocumentFactory

from articles.models import ArticlePage
from contact.models import ContactPage
from headless import cache as api_cache
from headless.renderers import CompactJSONRenderer

pytestmark = pytest.mark.django_db

DEMO_ARTICLE = "ketamine-neuropathic-pain-migraine"
CODINGS = ("br", "gzip")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content with a document and a redirect, loaded once and rolled back after."""
    media = tmp_path_factory.mktemp("encoding-media")
    with django_db_blocker.unblock(), transaction.atomic():
        django_settings.MEDIA_ROOT, before = media, django_settings.MEDIA_ROOT
        try:
            call_command("load_demo_content", stdout=open(os.devnull, "w"))
            DocumentFactory(title="Clinic leaflet")
            site = Site.objects.get(is_default_site=True)
            article = ArticlePage.objects.get(slug=DEMO_ARTICLE)
            Redirect.objects.create(old_path="/old-article", site=site, redirect_page=article)
            yield
        finally:
            django_settings.MEDIA_ROOT = before
            transaction.set_rollback(True)


@pytest.fixture
def article(demo):
    return ArticlePage.objects.get(slug=DEMO_ARTICLE)


def detail(client, page, accept_encoding=None, **headers):
    if accept_encoding is not None:
        headers["HTTP_ACCEPT_ENCODING"] = accept_encoding
    return client.get(f"/api/v2/pages/{page.pk}/", **headers)


def decoded(response):
    """The body as the client reads it, after undoing its Content-Encoding."""
    coding = response.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(response.content)
    if coding == "gzip":
        return gzip.decompress(response.content)
    assert coding is None, coding
    return response.content


def vary(response):
    return {name.strip() for name in response.get("Vary", "").split(",") if name.strip()}


def forget_cached_answers():
    """The next request is a miss: no copy in this process, none in the shared cache."""
    cache.clear()
    api_cache.reset()


@pytest.fixture
def compressor_calls():
    """Counts the brotli and zlib (gzip) compressions made while the test runs."""
    with (
        mock.patch("brotli.compress", wraps=brotli.compress) as br,
        mock.patch("zlib.compress", wraps=zlib.compress) as deflate,
        mock.patch("zlib.compressobj", wraps=zlib.compressobj) as deflate_stream,
    ):
        calls = (br, deflate, deflate_stream)
        yield lambda: sum(spy.call_count for spy in calls)


# Compact JSON


def test_the_demo_article_is_compact_json(client, article):
    response = detail(client, article)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert response.content == orjson.dumps(data)
    assert b"\n" not in response.content and b'", "' not in response.content
    indented = json.dumps(data, indent=4, ensure_ascii=False).encode()
    assert len(response.content) < 0.7 * len(indented)


def test_the_values_are_those_drfs_renderer_gives(client, article):
    response = detail(client, article)
    assert response["X-Cache"] == "miss"
    assert json.loads(JSONRenderer().render(response.data)) == response.json()


def test_the_renderer_encodes_python_values_as_drf_does():
    data = {
        "decimal": decimal.Decimal("12.50"),
        "lazy": gettext_lazy("Page not found"),
        "datetime": datetime.datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=datetime.UTC),
        "naive": datetime.datetime(2026, 3, 4, 5, 6, 7),
        "date": datetime.date(2026, 3, 4),
        "time": datetime.time(5, 6, 7, 250000),
        "duration": datetime.timedelta(minutes=90),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "bytes": b"plain",
        "set": {3},
        "generator": (n for n in range(2)),
        "keys": {1: "one", None: "none", False: "no"},
        "text": "Caf\u00e9 \u2028 <b>&</b>",
        "nested": [{"amount": decimal.Decimal("0.1")}],
    }
    ours = CompactJSONRenderer().render(dict(data, generator=(n for n in range(2))))
    drfs = JSONRenderer().render(data)
    assert json.loads(ours) == json.loads(drfs)
    assert ours == orjson.dumps(json.loads(ours))


def api_answers(client, demo_article):
    """One answer of each endpoint and of each kind of error, with the status it must have."""
    image = get_image_model().objects.first()
    contact = ContactPage.objects.live().first()
    yield client.get("/api/v2/pages/"), 200
    yield client.get("/api/v2/pages/", {"type": "articles.ArticlePage", "fields": "*"}), 200
    yield detail(client, demo_article), 200
    yield client.get("/api/v2/page_preview/", {"content_type": "articles.articlepage"}), 401
    yield client.get("/api/v2/images/"), 200
    yield client.get(f"/api/v2/images/{image.pk}/"), 200
    yield client.get("/api/v2/documents/"), 200
    yield client.get("/api/v2/redirects/"), 200
    yield client.get("/api/v2/sitemap/"), 200
    yield client.get("/api/v2/site/"), 200
    yield client.get("/api/v2/conditions/"), 200
    yield client.get("/api/v2/treatments/"), 200
    yield client.get("/api/v2/openapi.json"), 200
    # Errors: Wagtail's, DRF's (renamed by headless.errors), the JSON 404, the form's.
    yield client.get("/api/v2/pages/", {"limit": "many"}), 400
    yield client.get("/api/v2/pages/999999/"), 404
    yield client.delete(f"/api/v2/pages/{demo_article.pk}/"), 405
    yield client.get("/api/v2/no-such-endpoint/"), 404
    submissions = f"/api/v2/forms/{contact.pk}/submissions/"
    yield client.post(submissions, "[]", content_type="application/json"), 400


def test_every_api_answer_is_compact_json(client, article):
    for response, status in api_answers(client, article):
        where = response.request["PATH_INFO"]
        assert response.status_code == status, (where, response.content[:300])
        assert response["Content-Type"] == "application/json", where
        assert response.content == orjson.dumps(json.loads(response.content)), where


# Compression


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("GZIP;q=0.8, br;q=0.9", "br"),
        ("*", "br"),
        ("gzip;q=0, *", "br"),
        ("br;q=0, gzip;q=0", None),
        ("identity", None),
        ("deflate", None),
        (None, None),
    ],
)
def test_each_client_gets_the_encoding_it_accepts(client, article, accept_encoding, coding):
    miss = detail(client, article, accept_encoding)
    identity = detail(client, article)
    hit = detail(client, article, accept_encoding)
    assert (miss["X-Cache"], identity["X-Cache"], hit["X-Cache"]) == ("miss", "hit", "hit")
    assert identity.get("Content-Encoding") is None
    assert identity.content == orjson.dumps(identity.json())
    for response in (miss, hit):
        assert response.get("Content-Encoding") == coding
        assert decoded(response) == identity.content
    assert hit.content == miss.content
    for response in (miss, identity, hit):
        assert response["Content-Length"] == str(len(response.content))
        assert {"Accept", "Accept-Encoding"} <= vary(response)
        assert "Cookie" not in vary(response)
        assert "public" in response["Cache-Control"]


def test_compression_pays(client, article):
    identity = detail(client, article).content
    for coding in ("br", "gzip"):
        assert len(detail(client, article, coding).content) < len(identity) / 3
    assert len(detail(client, article, "br").content) < len(detail(client, article, "gzip").content)


def test_a_compressed_answer_has_the_identity_etag_weakened_and_each_answers_304(client, article):
    strong = detail(client, article)["ETag"]
    assert strong.startswith('"')
    for coding in ("br", "gzip"):
        assert detail(client, article, coding)["ETag"] == f"W/{strong}"
    for coding in (None, "br", "gzip"):
        for cached in (False, True):
            if not cached:
                forget_cached_answers()
            etag = strong if coding is None else f"W/{strong}"
            response = detail(client, article, coding, HTTP_IF_NONE_MATCH=etag)
            assert response.status_code == 304, (coding, cached)
            assert response.content == b""
            assert response["ETag"] == etag
            assert "Accept-Encoding" in vary(response)
        stale = detail(client, article, coding, HTTP_IF_NONE_MATCH='"something-else"')
        assert stale.status_code == 200 and stale.get("Content-Encoding") == coding


def test_a_cache_hit_compresses_nothing(client, article, compressor_calls):
    misses = {coding: detail(client, article, coding) for coding in ("br", "gzip")}
    assert {response["X-Cache"] for response in misses.values()} == {"miss", "hit"}
    assert compressor_calls() > 0  # the miss compressed its answer, once per encoding
    compressed_at_miss = compressor_calls()
    for coding, miss in misses.items():
        local_hit = detail(client, article, coding)
        api_cache.reset()  # this process's copies gone: the hit comes from the shared cache
        shared_hit = detail(client, article, coding)
        for hit in (local_hit, shared_hit):
            assert hit["X-Cache"] == "hit"
            assert hit.content == miss.content
            assert hit["Content-Encoding"] == coding
    assert compressor_calls() == compressed_at_miss


def test_a_miss_compresses_each_encoding_once(client, article, compressor_calls):
    detail(client, article, "br")
    assert compressor_calls() == 2  # brotli and gzip, kept with the answer


def test_a_signed_in_editors_answer_is_compressed_and_still_private(client, article):
    public = detail(client, article).json()
    # Staff notes only signed-in people may read: the editor sees more than a visitor.
    staff_notes = ArticlePage.objects.exclude(pk=article.pk).first()
    PageViewRestriction.objects.create(page=staff_notes, restriction_type="login")
    client.force_login(User.objects.create_user("editor", password="a long password 123"))
    for coding in ("br", "gzip"):
        response = detail(client, article, coding)
        assert response.status_code == 200
        assert response["Content-Encoding"] == coding
        assert json.loads(decoded(response))["title"] == public["title"]
        assert orjson.dumps(json.loads(decoded(response))) == decoded(response)
        assert response["Content-Length"] == str(len(response.content))
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert {"Accept", "Cookie", "Accept-Encoding"} <= vary(response)
        assert "X-Cache" not in response


def test_small_answers_are_not_compressed(client, demo):
    response = client.get("/api/v2/no-such-endpoint/", HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 404
    assert response.get("Content-Encoding") is None
    assert response.json()["message"]


def test_the_openapi_document_is_compressed_once_per_process(client, demo, compressor_calls):
    identity = client.get("/api/v2/openapi.json")
    counted = compressor_calls()
    for coding in ("br", "gzip"):
        response = client.get("/api/v2/openapi.json", HTTP_ACCEPT_ENCODING=coding)
        assert response["Content-Encoding"] == coding
        assert decoded(response) == identity.content
        assert "Accept-Encoding" in vary(response)
        assert response["ETag"] == f"W/{identity['ETag']}"
        again = client.get(
            "/api/v2/openapi.json", HTTP_ACCEPT_ENCODING=coding, HTTP_IF_NONE_MATCH=response["ETag"]
        )
        assert again.status_code == 304
    assert compressor_calls() == counted


def test_admin_pages_are_compressed_for_clients_that_ask(client, demo):
    identity = client.get("/admin/login/")
    assert identity.status_code == 200 and identity.get("Content-Encoding") is None
    for coding in ("br", "gzip"):
        response = client.get("/admin/login/", HTTP_ACCEPT_ENCODING=coding)
        assert response["Content-Encoding"] == coding
        assert b"<form" in decoded(response)
        assert "Accept-Encoding" in vary(response)


def test_files_already_compressed_are_sent_as_they_are(client, demo):
    document = Document.objects.create(
        title="Leaflet", file=ContentFile(b"%PDF-1.4 " + b"0" * 4000, "leaflet.pdf")
    )
    response = client.get(document.url, HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 200
    # Wagtail's serve view sends "Content-Encoding: None" of its own; the file is not encoded.
    assert response.get("Content-Encoding") not in CODINGS
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_streamed_exports_are_compressed_and_spreadsheets_are_not(admin_client, demo):
    url = reverse("articles_reviews_due")
    identity = b"".join(admin_client.get(url, {"export": "csv"}).streaming_content)
    assert identity.startswith(b"Article,Language,Medical reviewer")
    for coding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = admin_client.get(url, {"export": "csv"}, HTTP_ACCEPT_ENCODING=coding)
        assert response["Content-Encoding"] == coding
        assert "Content-Length" not in response
        assert decompress(b"".join(response.streaming_content)) == identity
    xlsx = admin_client.get(url, {"export": "xlsx"}, HTTP_ACCEPT_ENCODING="br, gzip")
    assert xlsx.status_code == 200
    assert xlsx.get("Content-Encoding") is None
