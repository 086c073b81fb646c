"""Generated requests against every public API endpoint: never a 5xx, always the documented JSON.

Hypothesis builds requests from each endpoint's URL patterns, known query parameters and
filterable fields, mixing real values from the demo content (ids, types, paths, slugs) with
junk: unknown keys, negative and enormous numbers (offsets and ids past 2**63), ids that are
not numbers, searches of hundreds of words, odd unicode, broken percent-encoding. Other
requests come with a Host the site does not serve, or with a method other than GET, to known
and unknown /api/ URLs. Every answer must be below 500 and a JSON object; 4xx bodies must be
the schema's ``Error``, and 200s the schema's definition for that endpoint (unless ``fields=``
reshaped them on purpose).

``FUZZ_EXAMPLES`` sets how many requests (300 by default, as in CI); ``make fuzz`` sends 5000.
"""

import json
import os
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail_factories import DocumentFactory

from articles.models import Condition, Treatment
from cms.api import api_router, build_schema

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content, loaded once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("fuzz-media")
    with django_db_blocker.unblock(), transaction.atomic():
        django_settings.MEDIA_ROOT, before = media, django_settings.MEDIA_ROOT
        try:
            call_command("load_demo_content", stdout=open(os.devnull, "w"))
            DocumentFactory(title="Clinic leaflet")
            yield {
                "media": media,
                "page_ids": list(Page.objects.values_list("pk", flat=True)),
                "image_ids": list(get_image_model().objects.values_list("pk", flat=True)),
                "document_ids": list(get_document_model().objects.values_list("pk", flat=True)),
                "paths": [page.url for page in Page.objects.live() if page.url],
                "conditions": list(Condition.objects.values_list("slug", flat=True)),
                "treatments": list(Treatment.objects.values_list("slug", flat=True)),
            }
        finally:
            django_settings.MEDIA_ROOT = before
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def schema():
    return build_schema()


# Strategies

JUNK = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "1e9",
            "1.5",
            "abc",
            "99999999999999999999999",
            str(2**31),
            str(2**63 - 1),
            str(2**63),
            str(2**64),
            "9" * 40,
            "NaN",
            "null",
            "true",
            "[]",
            "{}",
            "'",
            '"',
            "\\",
            "%",
            "%00",
            "\x00",
            "../..",
            "*",
            ",",
            ",,",
            "-",
            "__",
            "a" * 2000,
            "ü" * 300,
            "😀",
            "<script>alert(1)</script>",
            "1; DROP TABLE wagtailcore_page",
        ]
    ),
)
NUMBER = st.one_of(st.integers(-(10**20), 10**20).map(str), JUNK)
FIELD_NAMES = [
    "title",
    "body",
    "summary",
    "parent",
    "author",
    "hero_image",
    "related_articles",
    "table_of_contents",
    "conditions",
    "id",
    "type",
    "detail_url",
    "html_url",
    "path",
    "tags",
    "file",
    "*",
    "_",
    "nope",
    "author(name)",
    "author(*)",
    "body(heading)",
    "parent(title,id)",
    "(",
    ")",
]
FIELDS = st.lists(
    st.one_of(st.sampled_from(FIELD_NAMES), st.sampled_from(FIELD_NAMES).map("-{}".format)),
    max_size=5,
).map(",".join)
TYPES = st.one_of(
    st.sampled_from(
        [
            "articles.ArticlePage",
            "articles.articlepage",
            "articles.ArticleIndexPage",
            "home.HomePage",
            "contact.ContactPage",
            "wagtailcore.Page",
            "wagtailcore.Site",
            "auth.User",
            "articles.Clinician",
            "articles",
            "articles.",
            ".ArticlePage",
            "nope.Nope",
            "articles.ArticlePage,home.HomePage",
        ]
    ),
    JUNK,
)
ORDERS = st.one_of(
    st.sampled_from(["title", "-title", "id", "-id", "random", "-random", "first_published_at"]),
    st.sampled_from(["last_reviewed", "path", "nope", "-", "title,id"]),
    JUNK,
)


WORDS = st.sampled_from(["pain", "a", "OR", "AND", "NOT", "(", ")", "*", "ketamine", "-x"])
SEARCHES = st.one_of(
    st.lists(WORDS, max_size=400).map(" ".join),
    st.sampled_from(["a OR " * 100, "pain " * 33, "x" * 201, "x" * 5000]),
    JUNK,
)


def valid_values(name, demo):
    """Values a frontend would send for ``name``, from the demo content where there are any."""
    ids = st.sampled_from(demo["page_ids"]).map(str)
    return {
        "type": st.sampled_from(
            [
                "articles.ArticlePage",
                "articles.ArticleIndexPage",
                "home.HomePage",
                "wagtailcore.Page",
            ]
        ),
        "fields": st.sampled_from(["*", "title", "-title", "author(name)", "_,title", "parent"]),
        "order": st.sampled_from(["title", "-title", "id", "-id", "random"]),
        "limit": st.integers(0, 30).map(str),
        "offset": st.integers(0, 30).map(str),
        "child_of": ids,
        "descendant_of": ids,
        "ancestor_of": ids,
        "translation_of": ids,
        "id": ids,
        "site": st.sampled_from(["localhost", "localhost:80"]),
        "html_path": st.sampled_from(demo["paths"] + ["/", "/nope/"]),
        "search": st.sampled_from(["pain", "ketamine infusion", "sleep", "nerve"]),
        "title": st.sampled_from(["Contact us", "Articles"]),
        "slug": st.sampled_from(["articles", "contact"]),
        "show_in_menus": st.sampled_from(["true", "false"]),
        "search_operator": st.sampled_from(["and", "or"]),
        "condition": st.sampled_from(demo["conditions"]),
        "treatment": st.sampled_from(demo["treatments"]),
        "locale": st.just("en"),
        "format": st.just("json"),
        "rich_text_format": st.just("html"),
        "content_type": st.just("articles.ArticlePage"),
        "token": JUNK,
    }.get(name, JUNK)


def wild_values(name):
    """Values no frontend should send: the right kind of thing gone wrong, or plain junk."""
    return {
        "type": TYPES,
        "fields": FIELDS,
        "order": ORDERS,
        "limit": NUMBER,
        "offset": NUMBER,
        "format": st.one_of(st.sampled_from(["api", "html", "xml"]), JUNK),
        "content_type": TYPES,
        "search": SEARCHES,
    }.get(name, st.one_of(NUMBER, JUNK))


def endpoint_routes(demo):
    """``(endpoint name, route, known query parameters)`` for every registered API route."""
    routes = []
    for name, endpoint in api_router._endpoints.items():
        fields = endpoint.get_available_fields(endpoint.model, db_fields_only=True)
        known = sorted({*getattr(endpoint, "known_query_parameters", ()), *fields})
        for pattern in endpoint.get_urlpatterns():
            routes.append((name, str(pattern.pattern), known))
    return routes


def object_ids(name, demo):
    return {
        "pages": demo["page_ids"],
        "page_preview": demo["page_ids"],
        "images": demo["image_ids"],
        "documents": demo["document_ids"],
    }.get(name) or [1]


@st.composite
def api_requests(draw, demo):
    """``(url, params, query string)``: mostly what a frontend sends, a quarter of it wild."""
    name, route, known = draw(st.sampled_from(endpoint_routes(demo)))
    wild = draw(st.integers(0, 3)) == 0
    ids = object_ids(name, demo)
    if "<int:pk>" in route:
        pk = draw(st.sampled_from(ids) if draw(st.integers(0, 4)) else st.integers(0, 10**12))
        route = route.replace("<int:pk>", str(pk))
    url = f"/api/v2/{name}/{route}"

    params = []
    if route == "find/" and not wild:
        # What a frontend finds things by: a page's path, or any object's id.
        if name == "pages" and draw(st.booleans()):
            params.append(("html_path", draw(st.sampled_from(demo["paths"] + ["/nope/"]))))
        else:
            params.append(("id", str(draw(st.sampled_from(ids)))))
    for param in draw(st.lists(st.sampled_from(known), max_size=3, unique=not wild)):
        values = valid_values(param, demo)
        if wild:
            values = st.one_of(values, wild_values(param))
        params.append((param, draw(values)))
    query = urlencode(params)
    if wild:
        if draw(st.booleans()):
            params.append((draw(st.sampled_from(["nope", "q", "page", "Type", ""])), draw(JUNK)))
            query = urlencode(params)
        # Bytes no form of percent-encoding produces: broken escapes and invalid UTF-8.
        query += draw(st.sampled_from(["", "&%ff%fe=1", "&limit=%ff", "&=", "&&", "&fields"]))
    return url, dict(params), query


# What the answers must look like


def validator(schema, definition):
    return Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def documented_definition(url, params, schema):
    """The schema definition a 200 from ``url`` must match, or None if it documents none."""
    if "fields" in params:
        return None  # the frontend asked for another shape on purpose
    if url == "/api/v2/pages/":
        label = "wagtailcore.Page"
        if "type" in params:
            label = apps.get_model(*params["type"].split(".", 1))._meta.label
        return f"{label}Listing" if f"{label}Listing" in schema["$defs"] else None
    if url.startswith("/api/v2/pages/find/"):
        return "FindResult"
    if url.startswith("/api/v2/pages/"):
        return "PageDetail"
    return {"/api/v2/site/": "SiteSettings", "/api/v2/redirects/": "RedirectListing"}.get(url)


def check_answer(response, url, params, schema):
    where = f"GET {url}?{response.request['QUERY_STRING']}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if response.status_code == 302 and url.endswith("/find/"):
        # Finding by id redirects to the object's detail, as Wagtail's API does.
        location = urlsplit(response["Location"]).path
        assert re.fullmatch(re.escape(url.removesuffix("find/")) + r"\d+/", location), where
        return
    assert response["Content-Type"] == "application/json", where
    body = json.loads(response.content)
    assert isinstance(body, dict), where
    if 400 <= response.status_code < 500:
        definition = "Error"
    elif response.status_code == 200:
        definition = documented_definition(url, params, schema)
    else:
        definition = None
    if definition:
        problems = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator(schema, definition).iter_errors(body)
        ]
        assert not problems, f"{where} broke {definition}: {problems[:3]}"


@pytest.fixture
def fuzz_settings(settings, demo):
    settings.MEDIA_ROOT = demo["media"]
    # Every request rendered, none replayed
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "ENABLED": False}
    settings.CONTACT_RATE_LIMIT = ""
    return settings


def test_generated_requests_never_fail_or_break_the_schema(fuzz_settings, demo, schema):
    client = Client(raise_request_exception=False)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=api_requests(demo))
    def check(request):
        url, params, query = request
        response = client.get(f"{url}?{query}")
        check_answer(response, url, params, schema)

    check()


@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.dictionaries(st.text(max_size=20), st.one_of(st.text(), st.integers(), st.none())),
        st.lists(st.integers(), max_size=3),
    ),
    content_type=st.sampled_from(["application/json", "text/plain", "multipart/form-data"]),
)
@settings(
    max_examples=max(EXAMPLES // 10, 20),
    deadline=None,
    database=None,
    # The fixture's settings hold for every example alike.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_generated_form_submissions_never_fail(fuzz_settings, demo, body, content_type):
    client = Client(raise_request_exception=False)
    page_id = demo["page_ids"][-1]
    data = body if isinstance(body, bytes) else json.dumps(body)

    response = client.post(f"/api/v2/forms/{page_id}/submissions/", data, content_type)

    assert response.status_code < 500, (body, response.content)
    assert response["Content-Type"] == "application/json"


HOSTS = st.one_of(
    st.sampled_from(
        ["evil.example", "localhost.evil.example", "", " ", "[::1", "a" * 3000, "xn--", "1.2.3.4:x"]
    ),
    st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=60),
)
API_PATHS = st.one_of(
    st.sampled_from(
        ["/api/", "/api/v1/pages/", "/api/v2", "/api/v2/nope/", "/api/v2/pages/nope/x/"]
    ),
    st.text(alphabet="abcz019/._-%", max_size=30).map("/api/v2/{}".format),
    st.text(alphabet="abcz019/._-%", max_size=30).map("/api/{}".format),
)


def check_json(response, where):
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    assert response["Content-Type"] == "application/json", where
    assert isinstance(json.loads(response.content), dict), where


@pytest.fixture
def known_hosts(fuzz_settings):
    fuzz_settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    return fuzz_settings


def test_generated_hosts_never_fail(known_hosts, demo):
    client = Client(raise_request_exception=False)

    @settings(max_examples=max(EXAMPLES // 5, 20), deadline=None, database=None)
    @given(request=api_requests(demo), host=HOSTS, method=st.sampled_from(["get", "post"]))
    def check(request, host, method):
        url, _params, query = request
        response = getattr(client, method)(f"{url}?{query}", HTTP_HOST=host)
        if host in known_hosts.ALLOWED_HOSTS and response.status_code == 302:
            return  # find by id, answered for a host the site serves
        check_json(response, f"{method.upper()} {url} Host: {host[:40]!r}")

    check()


def test_generated_writes_never_fail(fuzz_settings, demo):
    # As a browser would meet it: CSRF checks on, a cookie-less cross-site request.
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    known_urls = st.builds(lambda request: request[0], api_requests(demo))

    @settings(max_examples=max(EXAMPLES // 5, 20), deadline=None, database=None)
    @given(
        url=st.one_of(known_urls, API_PATHS),
        method=st.sampled_from(["post", "put", "patch", "delete", "options", "trace"]),
        body=st.one_of(st.just("{}"), st.text(max_size=50), st.binary(max_size=50)),
        content_type=st.sampled_from(["application/json", "text/plain", "multipart/form-data"]),
    )
    def check(url, method, body, content_type):
        if method == "trace":
            response = client.generic("TRACE", url)
        else:
            response = getattr(client, method)(url, body, content_type=content_type)
        check_json(response, f"{method.upper()} {url}")

    check()
