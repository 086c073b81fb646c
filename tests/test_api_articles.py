"""What a frontend gets from the article API: one request renders a whole article."""

import datetime
import re

import pytest
import wagtail_factories
from django.core.cache import cache as django_cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.rich_text import RichText

from cms.api import build_openapi
from headless import cache as api_cache
from home.models import ClinicSettings, FeaturedArticle
from tests.factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    ClinicianFactory,
    ConditionFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(
        title="Infusion chair", file__width=1600, file__height=900
    )


@pytest.fixture
def document(tmp_path):

    return Document.objects.create(title="Leaflet", file=ContentFile(b"%PDF-1.4", "leaflet.pdf"))


@pytest.fixture
def fibromyalgia():
    return ConditionFactory(name="Fibromyalgia", slug="fibromyalgia")


@pytest.fixture
def ketamine():
    return TreatmentFactory(
        name="Ketamine infusion",
        slug="ketamine-infusion",
        regulatory_note="Off-label for chronic pain.",
    )


@pytest.fixture
def other_article(article_index, fibromyalgia):
    page = ArticlePageFactory(parent=article_index, title="Sleep and pain", slug="sleep-and-pain")
    page.conditions.set([fibromyalgia])
    page.save_revision().publish()
    return page


@pytest.fixture
def article(article_index, other_article, image, document, fibromyalgia, ketamine):
    author = ClinicianFactory(name="Dr Ada Vale", credentials="MD")
    reviewer = ClinicianFactory(name="Dr Ben Roe", credentials="MD, PhD", photo=image)
    page = ArticlePageFactory(
        parent=article_index,
        title="Ketamine for fibromyalgia",
        slug="ketamine-fibromyalgia",
        summary="What the evidence says.",
        hero_image=image,
        hero_image_alt="An empty infusion chair",
        author=author,
        reviewer=reviewer,
        last_reviewed=datetime.date(2026, 1, 15),
        body=[
            ("heading", {"text": "How it works", "level": "h2"}),
            (
                "paragraph",
                f'<p>See <a linktype="page" id="{other_article.pk}">sleep</a>, the '
                f'<a linktype="document" id="{document.pk}">leaflet</a> and '
                '<a href="https://example.org/x">a study</a>.</p>'
                f'<embed embedtype="image" id="{image.pk}" format="left" alt="A chair"/>',
            ),
            ("heading", {"text": "How it works", "level": "h3"}),
            (
                "image",
                {
                    "image": image,
                    "alt_text": "Chair",
                    "decorative": False,
                    "caption": "",
                    "credit": "",
                },
            ),
            ("callout", {"variant": "warning", "text": "<p>Do not drive.</p>"}),
            (
                "accordion",
                {
                    "title": "FAQ",
                    "open_first": True,
                    "items": [
                        {"title": "Does it hurt?", "body": "<p>Rarely.</p>"},
                        {"title": "How long?", "body": "<p>About an hour.</p>"},
                    ],
                },
            ),
            ("call_to_action", {"label": "Read more", "page": other_article, "url": ""}),
            (
                "references",
                [
                    {
                        "text": "A",
                        "publisher": "",
                        "year": 2020,
                        "url": "",
                        "doi": "10.1000/xyz",
                        "pmid": "",
                    },
                    {
                        "text": "B",
                        "publisher": "",
                        "year": None,
                        "url": "",
                        "doi": "",
                        "pmid": "123",
                    },
                ],
            ),
            ("disclaimer", {"text": ""}),
        ],
    )
    page.conditions.set([fibromyalgia])
    page.treatments.set([ketamine])
    page.save_revision().publish()
    return page


def detail(client, page, **params):
    response = client.get(f"/api/v2/pages/{page.pk}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_detail_is_frontend_ready(client, article, other_article, image, document):
    response = client.get(f"/api/v2/pages/{article.pk}/")
    assert response.status_code == 200
    assert b"linktype" not in response.content
    assert b"embedtype" not in response.content
    data = response.json()

    assert data["meta"]["path"] == "/articles/ketamine-fibromyalgia/"
    assert data["meta"]["type"] == "articles.ArticlePage"
    blocks = {block["type"]: block for block in data["body"]}

    paragraph = blocks["paragraph"]["value"]
    assert '<a href="/articles/sleep-and-pain/">sleep</a>' in paragraph
    assert f'<a href="http://cms.test{document.url}">leaflet</a>' in paragraph
    assert '<a href="https://example.org/x">a study</a>' in paragraph
    img = re.search(r"<img [^>]*>", paragraph).group(0)
    assert 'alt="A chair"' in img
    # A rendition not made yet: the signed URL that makes it (headless/renditions.py).
    assert re.search(r'src="http://cms\.test/images/[^"]+/width-960/[^"]+"', img)
    assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)

    hero = data["hero_image"]
    assert hero["id"] == image.pk and hero["width"] == 1600 and hero["height"] == 900
    assert hero["url"].startswith("http://cms.test/media/")
    assert set(hero["renditions"]) == {"widths", "card"}
    card = hero["renditions"]["card"]["original"][0]
    assert (card["width"], card["height"]) == (640, 360)
    assert all(
        r["url"].startswith("http://cms.test/")
        for kind in hero["renditions"].values()
        for items in kind.values()
        for r in items
    )
    block_image = blocks["image"]["value"]["image"]
    assert [r["width"] for r in block_image["renditions"]["widths"]["webp"]][2] == 960

    assert blocks["call_to_action"]["value"]["page"] == {
        "id": other_article.pk,
        "title": "Sleep and pain",
        "type": "articles.ArticlePage",
        "path": "/articles/sleep-and-pain/",
    }
    assert blocks["call_to_action"]["value"]["href"] == "/articles/sleep-and-pain/"

    assert data["author"]["name"] == "Dr Ada Vale"
    assert data["reviewer"]["photo"]["id"] == image.pk
    assert [c["slug"] for c in data["conditions"]] == ["fibromyalgia"]
    assert data["treatments"][0]["regulatory_note"] == "Off-label for chronic pain."
    assert data["last_reviewed"] == "2026-01-15"
    assert data["reading_time"] >= 1

    accordion = blocks["accordion"]["value"]
    item_ids = [item["id"] for item in accordion["items"]]
    assert all(item_ids) and len(set(item_ids)) == 2
    assert accordion == {
        "title": "FAQ",
        "open_first": True,
        "heading_level": 4,  # after the H3 "How it works"
        "items": [
            {"id": item_ids[0], "title": "Does it hurt?", "body": "<p>Rarely.</p>"},
            {"id": item_ids[1], "title": "How long?", "body": "<p>About an hour.</p>"},
        ],
    }
    assert all(set(block) == {"type", "id", "value"} for block in data["body"])

    links = [ref["link"] for ref in blocks["references"]["value"]]
    assert links == ["https://doi.org/10.1000/xyz", "https://pubmed.ncbi.nlm.nih.gov/123/"]


def test_headings_have_unique_anchors_listed_in_the_table_of_contents(client, article):
    data = detail(client, article)
    anchors = [b["value"]["anchor"] for b in data["body"] if b["type"] == "heading"]
    assert anchors == ["how-it-works", "how-it-works-2"]
    assert data["table_of_contents"] == [
        {"anchor": "how-it-works", "text": "How it works", "level": "h2"},
        {"anchor": "how-it-works-2", "text": "How it works", "level": "h3"},
    ]
    # Stable: the same page answers with the same anchors every time.
    django_cache.clear()  # a render, not a cached copy
    api_cache.reset()
    assert [e["anchor"] for e in detail(client, article)["table_of_contents"]] == anchors


def test_empty_disclaimer_uses_the_clinic_default(client, article, site):

    ClinicSettings.objects.update_or_create(
        site=site, defaults={"default_disclaimer": "Not a substitute for advice."}
    )
    blocks = {b["type"]: b for b in detail(client, article)["body"]}
    assert blocks["disclaimer"]["value"] == {
        "text": "Not a substitute for advice.",
        "is_default": True,
    }


def test_related_articles_share_a_condition(client, article, other_article, article_index):
    unrelated = ArticlePageFactory(parent=article_index, title="Unrelated")
    unrelated.save_revision().publish()
    related = detail(client, article)["related_articles"]
    assert [item["id"] for item in related] == [other_article.pk]
    assert related[0]["meta"]["path"] == "/articles/sleep-and-pain/"
    assert related[0]["summary"]


def test_a_related_articles_card_depends_on_what_it_shows_only(
    client, article, other_article, django_assert_num_queries
):
    # A card shows its author, not its reviewer: the reviewer's photo changing must not purge
    # the article that lists the card, nor its reviewer cost the answer a query.
    def uncached():
        client.get(f"/api/v2/pages/{article.pk}/")  # renditions are made on first use
        django_cache.clear()  # a render, not a cached copy
        api_cache.reset()

    uncached()
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v2/pages/{article.pk}/")
    before = len(queries)  # the next request empties the connection's log
    photo = wagtail_factories.ImageFactory(title="Reviewer of the related article")
    other_article.reviewer = ClinicianFactory(name="Dr Cy Moss", photo=photo)
    other_article.save_revision().publish()
    uncached()
    with django_assert_num_queries(before):
        response = client.get(f"/api/v2/pages/{article.pk}/")
    related = response.json()["related_articles"]
    assert [item["id"] for item in related] == [other_article.pk]
    assert "reviewer" not in related[0]
    assert f"image-{photo.pk}" not in response["Cache-Tag"].split(",")


def test_related_articles_are_at_most_three(client, article, article_index, fibromyalgia):
    for n in range(5):
        page = ArticlePageFactory(parent=article_index, title=f"More {n}")
        page.conditions.set([fibromyalgia])
        page.save_revision().publish()
    assert len(detail(client, article)["related_articles"]) == 3


def test_listing_gives_cards_newest_first(client, article, other_article):
    response = client.get("/api/v2/pages/", {"type": "articles.ArticlePage"})
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 2
    first = data["items"][0]
    assert first["id"] == article.pk  # published last
    assert first["meta"]["path"] == "/articles/ketamine-fibromyalgia/"
    assert first["meta"]["first_published_at"]
    assert first["hero_image"]["renditions"]["card"]["original"][0]["url"].startswith(
        "http://cms.test/"
    )
    assert first["author"]["name"] == "Dr Ada Vale"
    assert first["conditions"][0]["slug"] == "fibromyalgia"
    assert first["reading_time"] >= 1
    assert first["last_reviewed"] == "2026-01-15"
    assert "body" not in first


def test_listing_filters_by_condition_and_treatment(client, article, other_article, article_index):
    ids = lambda **params: [  # noqa: E731
        item["id"]
        for item in client.get("/api/v2/pages/", {"type": "articles.ArticlePage", **params}).json()[
            "items"
        ]
    ]
    assert sorted(ids(condition="fibromyalgia")) == sorted([article.pk, other_article.pk])
    assert ids(treatment="ketamine-infusion") == [article.pk]
    assert ids(condition="migraine") == []


def test_listing_search_order_and_pagination(client, article, other_article):
    search = client.get("/api/v2/pages/", {"type": "articles.ArticlePage", "search": "ketamine"})
    assert [item["id"] for item in search.json()["items"]] == [article.pk]
    ordered = client.get("/api/v2/pages/", {"type": "articles.ArticlePage", "order": "title"})
    assert [item["title"] for item in ordered.json()["items"]] == [
        "Ketamine for fibromyalgia",
        "Sleep and pain",
    ]
    page_two = client.get(
        "/api/v2/pages/", {"type": "articles.ArticlePage", "limit": 1, "offset": 1}
    ).json()
    assert page_two["meta"]["total_count"] == 2
    assert [item["id"] for item in page_two["items"]] == [other_article.pk]


def test_find_by_path_answers_the_page_itself(client, article):
    response = client.get("/api/v2/pages/find/", {"html_path": "/articles/ketamine-fibromyalgia/"})
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == article.pk
    assert data["body"][0]["type"] == "heading"


def test_find_by_path_answers_a_redirect(client, article, site):

    Redirect.objects.create(old_path="/old-ketamine", redirect_page=article, is_permanent=True)
    Redirect.objects.create(
        old_path="/elsewhere", redirect_link="https://example.org/", is_permanent=False
    )
    moved = client.get("/api/v2/pages/find/", {"html_path": "/old-ketamine/"}).json()
    assert moved == {
        "redirect": {
            "old_path": "/old-ketamine",
            "target": "/articles/ketamine-fibromyalgia/",
            "is_permanent": True,
            "status_code": 301,
        }
    }
    away = client.get("/api/v2/pages/find/", {"html_path": "/elsewhere"}).json()["redirect"]
    assert away["target"] == "https://example.org/" and away["is_permanent"] is False

    listed = client.get("/api/v2/redirects/").json()
    assert listed["meta"]["total_count"] == 2
    assert {r["old_path"] for r in listed["items"]} == {"/old-ketamine", "/elsewhere"}


@pytest.mark.parametrize(
    "stored, asked",
    [
        ("/café", "/caf%C3%A9/"),  # as the admin stores it; the frontend sends it encoded
        ("/caf%C3%A9", "/café/"),  # stored encoded (imported); asked for in unicode
        ("/old-page", "/old-page/?utm_source=newsletter"),  # a query the redirect does not name
    ],
)
def test_find_by_path_resolves_redirects_as_the_site_does(client, site, stored, asked):
    Redirect.objects.create(old_path=stored, redirect_link="https://example.org/")

    # The site's own redirect middleware answers the same path with the redirect...
    assert client.get(asked).status_code == 301
    # ...and so does the API.
    found = client.get("/api/v2/pages/find/", {"html_path": asked})
    assert found.status_code == 200
    assert found.json()["redirect"]["target"] == "https://example.org/"


def test_find_by_path_prefers_the_sites_own_redirect(client, site):
    Redirect.objects.create(old_path="/moved", redirect_link="https://all-sites.example/")
    Redirect.objects.create(old_path="/moved", site=site, redirect_link="https://own.example/")

    assert client.get("/moved/")["Location"] == "https://own.example/"
    found = client.get("/api/v2/pages/find/", {"html_path": "/moved/"}).json()
    assert found["redirect"]["target"] == "https://own.example/"


def test_find_by_unknown_path_is_404_json(client, article):
    response = client.get("/api/v2/pages/find/", {"html_path": "/nothing/here/"})
    assert response.status_code == 404
    assert "message" in response.json()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_write_methods_are_refused(client, article, method):
    response = getattr(client, method)(f"/api/v2/pages/{article.pk}/")
    assert response.status_code == 405
    assert getattr(client, method)("/api/v2/pages/").status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "red"},
        {"fields": "nonsense"},
        {"type": "articles.NoSuchPage"},
        {"type": "articles.ArticlePage", "order": "nonsense"},
        {"limit": "ten"},
        {"limit": "-1"},
        {"limit": "100000"},
        {"offset": "minus"},
        {"condition": "fibromyalgia"},  # needs type=articles.ArticlePage
        {"html_path": "/x/"},  # find's own parameter, not the listing's
        {"search": "pain", "search_operator": "xor"},
        {"search": "   "},
    ],
)
def test_bad_listing_parameters_get_400_with_a_message(client, article, params):
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 400
    assert response.json()["message"]


def test_unknown_ids_and_endpoints_get_404_json(client, article):
    for url in ["/api/v2/pages/999999/", "/api/v2/images/999999/", "/api/v2/nothing/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["message"]


def test_unpublished_page_is_not_served(client, article):
    article.unpublish()
    assert client.get(f"/api/v2/pages/{article.pk}/").status_code == 404


def test_cors_only_for_frontend_origins(client, article):
    allowed = client.get("/api/v2/pages/", HTTP_ORIGIN="https://frontend.test")
    assert allowed["Access-Control-Allow-Origin"] == "https://frontend.test"
    other = client.get("/api/v2/pages/", HTTP_ORIGIN="https://evil.test")
    assert "Access-Control-Allow-Origin" not in other


def test_site_settings_endpoint(client, site, article):

    ClinicSettings.objects.update_or_create(
        site=site,
        defaults={
            "clinic_name": "Riverside Pain Clinic",
            "phone": "+1 555 0100",
            "address": "1 River Road",
            "default_disclaimer": "General information only.",
            "main_navigation": [
                ("link", {"label": "Articles", "page": article.get_parent(), "url": ""}),
                ("link", {"label": "Book", "page": None, "url": "https://example.org/book"}),
            ],
            "footer_links": [
                ("link", {"label": "Privacy", "page": None, "url": "https://x.org/p"})
            ],
        },
    )
    data = client.get("/api/v2/site/").json()
    assert data["clinic_name"] == "Riverside Pain Clinic"
    assert data["default_disclaimer"] == "General information only."
    nav = [link["value"] if "value" in link else link for link in data["main_navigation"]]
    assert [(link["label"], link["href"]) for link in nav] == [
        ("Articles", "/articles/"),
        ("Book", "https://example.org/book"),
    ]
    assert data["footer_links"][0]["href"] == "https://x.org/p"
    assert client.get("/api/v2/site/", {"x": "1"}).status_code == 400


def test_home_page_gives_hero_intro_and_visible_featured_articles(
    client, home, article, other_article, image
):

    home.hero_title = "Relief, explained"
    home.hero_image = image
    home.intro = f'<p>Start with <a linktype="page" id="{article.pk}">this</a>.</p>'
    home.featured_articles = [
        FeaturedArticle(article=other_article),
        FeaturedArticle(article=article),
    ]
    home.save_revision().publish()
    other_article.unpublish()

    data = detail(client, home)
    assert data["hero_title"] == "Relief, explained"
    assert data["hero_image"]["renditions"]["widths"]["original"][-1]["url"].startswith(
        "http://cms.test/"
    )
    assert data["intro"] == '<p>Start with <a href="/articles/ketamine-fibromyalgia/">this</a>.</p>'
    assert [item["id"] for item in data["featured_articles"]] == [article.pk]
    assert data["featured_articles"][0]["meta"]["path"] == "/articles/ketamine-fibromyalgia/"


def test_detail_carries_structured_data_for_search_engines(client, article):
    data = detail(client, article)["structured_data"]
    types = [item["@type"] for item in data]
    assert types == ["MedicalWebPage", "FAQPage"]
    page = data[0]
    assert page["url"] == "http://localhost/articles/ketamine-fibromyalgia/"
    assert page["lastReviewed"] == "2026-01-15"
    assert page["reviewedBy"]["name"] == "Dr Ben Roe"
    assert [q["name"] for q in data[1]["mainEntity"]] == ["Does it hurt?", "How long?"]
    assert data[1]["mainEntity"][0]["acceptedAnswer"]["text"] == "Rarely."


def test_api_speaks_json_only(client, article):
    # The browsable HTML API is off: asking for it is bad input, answered in JSON.
    response = client.get("/api/v2/images/", {"format": "api"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "format" in response.json()["message"]
    assert (
        client.get("/api/v2/pages/", HTTP_ACCEPT="text/html")["Content-Type"] == "application/json"
    )


@pytest.mark.parametrize("url", ["/api/v2/pages/", "/api/v2/images/", "/api/v2/documents/"])
def test_search_syntax_never_breaks_the_backend(client, article, url):
    for query in ['ketamine "infusion', 'pain"', "a AND (", "*", "NOT", "x:y"]:
        response = client.get(url, {"search": query})
        assert response.status_code == 200, (url, query, response.content)
    response = client.get(url, {"search": '""'})
    assert response.status_code == 400
    assert response.json()["message"] == "search needs at least one word"


def test_an_image_missing_from_storage_does_not_break_the_page(client, article, image):
    image.file.storage.delete(image.file.name)
    response = client.get(f"/api/v2/pages/{article.pk}/")
    assert response.status_code == 200
    hero = response.json()["hero_image"]
    # Its renditions' URLs answer 410, the original is missing: not a 500.
    url = hero["renditions"]["widths"]["webp"][0]["url"]
    assert client.get(url.removeprefix("http://cms.test")).status_code == 410


def test_reading_time_counts_words_across_paragraphs(client, article_index):
    # 300 one-word paragraphs: 300 words, two minutes at 220 words a minute.
    words = "".join(f"<p>word{n}</p>" for n in range(300))
    article = ArticlePageFactory(parent=article_index, body=[("paragraph", RichText(words))])

    assert client.get(f"/api/v2/pages/{article.pk}/").json()["reading_time"] == 2


def test_the_articles_listing_is_the_pages_listing_of_articles_typed_as_such(
    client, article_index, article
):
    other = ArticleIndexPageFactory(parent=article_index, title="More", slug="more")
    other.save_revision().publish()
    typed = client.get("/api/v2/pages/", {"type": "articles.ArticlePage"}).json()
    own = client.get("/api/v2/articles/")
    assert own.status_code == 200
    assert own.json() == typed
    assert article.pk in {item["id"] for item in own.json()["items"]}
    assert other.pk not in {item["id"] for item in own.json()["items"]}
    assert {item["meta"]["detail_url"] for item in own.json()["items"]} == {
        f"http://cms.test/api/v2/pages/{item['id']}/" for item in typed["items"]
    }
    narrowed = client.get("/api/v2/articles/", {"id": article.pk, "fields": "summary"})
    assert [item["summary"] for item in narrowed.json()["items"]] == [article.summary]
    refused = client.get("/api/v2/articles/", {"type": "home.HomePage"})
    assert refused.status_code == 400
    assert "type" in refused.json()["message"]
    assert client.get(f"/api/v2/articles/{article.pk}/").status_code == 404

    operation = build_openapi()["paths"]["/api/v2/articles/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/articles.ArticlePageListing"
    }
    assert "type" not in {p["name"] for p in operation["parameters"]}
