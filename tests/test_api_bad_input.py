"""Input no frontend sends gets a 400 with a message a person can read, never a 500.

Each case here once reached the database or the search backend and failed there: a search of
hundreds of words overflowed the query builder's recursion, an offset past a 64-bit integer
overflowed the database's, an id that is not a number failed the lookup.
"""

import logging

import pytest
from django.test import Client

from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

SEARCHABLE = ["/api/v2/pages/", "/api/v2/images/", "/api/v2/documents/"]
LISTINGS = [*SEARCHABLE, "/api/v2/redirects/"]


@pytest.fixture
def article(article_index):
    return ArticlePageFactory(parent=article_index, title="Sleep and chronic pain")


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def assert_bad_request(response, *words):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    message = response.json()["message"]
    for word in words:
        assert word in message, message
    return message


def assert_no_traceback(caplog):
    assert not [record for record in caplog.records if record.exc_info], [
        record.getMessage() for record in caplog.records
    ]


@pytest.mark.parametrize("url", SEARCHABLE)
@pytest.mark.parametrize(
    "params",
    [
        {"search": "a OR " * 100},
        {"search": " ".join(f"word{n}" for n in range(300)), "search_operator": "or"},
        {"search": " ".join(f"word{n}" for n in range(300))},
    ],
    ids=["many-ORs", "300-words-or", "300-words"],
)
def test_a_search_of_too_many_words_is_refused(client, article, caplog, url, params, settings):
    response = client.get(url, params)

    message = assert_bad_request(response, "search")
    assert str(settings.API_SEARCH_MAX_TERMS) in message
    assert_no_traceback(caplog)


@pytest.mark.parametrize("url", SEARCHABLE)
def test_a_search_too_long_is_refused(client, article, caplog, url, settings):
    response = client.get(url, {"search": "x" * (settings.API_SEARCH_MAX_LENGTH + 1)})

    message = assert_bad_request(response, "search")
    assert str(settings.API_SEARCH_MAX_LENGTH) in message
    assert_no_traceback(caplog)


@pytest.mark.parametrize("url", SEARCHABLE)
def test_a_search_at_the_limits_is_answered(client, article, url, settings):
    words = ["sleep"] * settings.API_SEARCH_MAX_TERMS
    response = client.get(url, {"search": " ".join(words), "search_operator": "or"})

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("url", LISTINGS)
@pytest.mark.parametrize("offset", [str(2**63), str(2**63 - 1), str(2**64), "9" * 40])
def test_a_huge_offset_is_refused(client, article, caplog, url, offset):
    response = client.get(url, {"offset": offset})

    assert_bad_request(response, "offset")
    assert_no_traceback(caplog)


@pytest.mark.parametrize("url", LISTINGS)
@pytest.mark.parametrize("limit", [str(2**63), "9" * 40])
def test_a_huge_limit_is_refused(client, article, url, limit):
    assert_bad_request(client.get(url, {"limit": limit}), "limit")


@pytest.mark.parametrize("url", LISTINGS)
def test_the_largest_offset_allowed_answers_an_empty_page(client, article, url, settings):
    response = client.get(url, {"offset": settings.API_OFFSET_MAX, "limit": 100})

    assert response.status_code == 200, response.content
    assert response.json()["items"] == []
    assert_bad_request(client.get(url, {"offset": settings.API_OFFSET_MAX + 1}), "offset")


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
@pytest.mark.parametrize("value", ["abc", "1.5", "", " ", "-", "1e3", "0x10", str(2**63), "½"])
def test_find_by_an_id_that_is_not_a_number_is_refused(client, article, caplog, endpoint, value):
    response = client.get(f"/api/v2/{endpoint}/find/", {"id": value})

    if value == str(2**63):
        # A whole number, just not of any object: nothing found, as for any unknown id.
        assert response.status_code == 404, response.content
        assert response["Content-Type"] == "application/json"
    else:
        assert_bad_request(response, "id")
    assert_no_traceback(caplog)


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
@pytest.mark.parametrize("pk", [2**31, 2**63, 10**30])
def test_a_huge_id_in_a_detail_url_is_not_found(client, article, endpoint, pk, caplog):
    caplog.set_level(logging.ERROR)
    response = client.get(f"/api/v2/{endpoint}/{pk}/")

    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"
    assert_no_traceback(caplog)


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v2/pages/", "id"),
        ("/api/v2/pages/", "alias_of"),
        ("/api/v2/images/", "width"),
        ("/api/v2/documents/", "id"),
    ],
)
@pytest.mark.parametrize("number", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_a_field_filter_past_the_columns_range_is_refused(
    client, article, caplog, url, field, number
):
    response = client.get(url, {field: number})

    assert_bad_request(response, field, "range")
    assert_no_traceback(caplog)


@pytest.mark.parametrize("value", ["", "yesterday", "2026-13-45"])
def test_a_date_filter_that_is_no_date_is_refused(client, article, value):
    response = client.get("/api/v2/pages/", {"first_published_at": value})

    assert_bad_request(response, "first_published_at")


@pytest.mark.parametrize(
    "url",
    [*LISTINGS, "/api/v2/pages/find/", "/api/v2/site/", "/api/v2/page_preview/"],
)
@pytest.mark.parametrize("value", ["xml", "api", "null"])
def test_a_format_other_than_json_is_refused(client, article, url, value):
    # DRF's content negotiation answered an empty 404, which no operation documents.
    response = client.get(url, {"format": value})

    assert_bad_request(response, "format", "json")


@pytest.mark.parametrize(
    "url", ["/api/v2/redirects/", "/api/v2/sitemap/", "/api/v2/conditions/", "/api/v2/treatments/"]
)
@pytest.mark.parametrize("param", ["old_path", "site_id", "is_permanent", "name", "unknown"])
def test_a_listing_refuses_a_filter_it_does_not_apply(client, article, url, param):
    # A one-listing endpoint applies no filter of its model's fields: naming one must not
    # answer the whole listing as if it had matched (headless.endpoints.listing).
    response = client.get(url, {param: "/old-page/"})

    assert_bad_request(response, "not an operation or a recognised field", param)
