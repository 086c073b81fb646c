"""Editors press Preview and see the draft: in the frontend, which fetches it shaped like a
published page, or, with no frontend configured, in the CMS's built-in preview of the same JSON."""

import html
import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlparse

import pytest
import wagtail_factories
from bs4 import BeautifulSoup
from django.core import signing
from django.template import Context, Template
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_headless_preview.models import PagePreview

from articles.blocks import ArticleBodyBlock
from articles.models import ArticlePage
from headless.blocks import RICH_TEXT_FEATURES
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ClinicianFactory, ConditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(article_index):
    page = ArticlePageFactory(
        parent=article_index,
        title="Published title",
        slug="previewed",
        body=[("heading", {"text": "Published heading", "level": "h2"})],
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def frontend_preview(settings):
    """FRONTEND_PREVIEW_URL set: the admin's Preview opens the frontend's preview route."""
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": "http://localhost:3000/api/preview"},
    }


def show_preview(editor, page, title, body, **fields):
    """Post the unsaved edit form to the preview and load it, as the admin's preview panel does."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    data = nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "summary": "Draft summary",
            "hero_image_alt": "",
            "body": streamfield(body),
            "comments": inline_formset([]),
            **fields,
        }
    )
    posted = editor.post(url, data)
    assert posted.status_code == 200 and posted.json()["is_valid"], posted.content
    shown = editor.get(url)
    assert shown.status_code == 200
    return shown


def frontend_query(shown):
    """The content type and token the preview gives the frontend it frames."""
    iframe = re.search(r'<iframe src="([^"]+)"', shown.content.decode()).group(1)
    preview_url = urlparse(html.unescape(iframe))
    assert preview_url.netloc == "localhost:3000"  # FRONTEND_PREVIEW_URL
    query = parse_qs(preview_url.query)
    return query["content_type"][0], query["token"][0]


def press_preview(editor, page, title, body):
    return frontend_query(show_preview(editor, page, title, body))


@pytest.mark.usefixtures("frontend_preview")
def test_unsaved_draft_reaches_the_frontend_in_the_published_shape(editor, article):
    published = editor.get(f"/api/v2/pages/{article.pk}/").json()
    content_type, token = press_preview(
        editor,
        article,
        "Draft title",
        [
            ("heading", {"text": "Draft heading", "level": "h2"}),
            ("paragraph", rich_text("<p>New words.</p>", features=RICH_TEXT_FEATURES)),
        ],
    )
    response = editor.get("/api/v2/page_preview/", {"content_type": content_type, "token": token})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    draft = response.json()
    assert draft["title"] == "Draft title"
    assert [b["type"] for b in draft["body"]] == ["heading", "paragraph"]
    assert draft["body"][0]["value"]["anchor"] == "draft-heading"
    assert draft["table_of_contents"][0]["text"] == "Draft heading"
    assert set(draft) == set(published)
    # And where each part is edited, for click-to-edit (tests/test_preview_click_to_edit.py).
    assert set(draft["meta"]) == set(published["meta"]) | {"edit_paths"}
    # Reading grades are the unsaved text's, not the last save's.
    assert [s["anchor"] for s in published["readability"]["sections"]] == ["published-heading"]
    assert [s["anchor"] for s in draft["readability"]["sections"]] == ["draft-heading"]
    assert draft["readability"]["grade_level"] != published["readability"]["grade_level"]

    # The live page is untouched; patients still see the published version.
    live = editor.get(f"/api/v2/pages/{article.pk}/").json()
    assert live["title"] == "Published title"


@pytest.mark.usefixtures("frontend_preview")
def test_preview_of_an_unsaved_new_page(editor, article_index):
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("articles", "articlepage", article_index.pk)
    )
    data = nested_form_data(
        {
            "title": "Brand new",
            "slug": "brand-new",
            "summary": "Not saved yet",
            "hero_image_alt": "",
            "body": streamfield([("heading", {"text": "Hello", "level": "h2"})]),
            "comments": inline_formset([]),
        }
    )
    assert editor.post(url, data).json()["is_valid"]
    iframe = re.search(r'<iframe src="([^"]+)"', editor.get(url).content.decode()).group(1)
    query = parse_qs(urlparse(html.unescape(iframe)).query)
    response = editor.get(
        "/api/v2/page_preview/",
        {"content_type": query["content_type"][0], "token": query["token"][0]},
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Brand new"
    assert not ArticlePage.objects.filter(slug="brand-new").exists()


def make_token(page):
    preview = page.create_page_preview()
    return page.get_content_type_str(), preview.token


def test_missing_token_is_401(client, article):
    response = client.get("/api/v2/page_preview/", {"content_type": "articles.articlepage"})
    assert response.status_code == 401
    assert response.json()["message"]


def test_forged_token_is_403(client, article):
    content_type, token = make_token(article)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    response = client.get("/api/v2/page_preview/", {"content_type": content_type, "token": forged})
    assert response.status_code == 403
    assert "not valid" in response.json()["message"]


def test_expired_token_is_401(client, article, settings):
    content_type, token = make_token(article)
    settings.PREVIEW_TOKEN_TTL = 0
    time.sleep(1.1)  # TimestampSigner has one-second resolution
    response = client.get("/api/v2/page_preview/", {"content_type": content_type, "token": token})
    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_token_for_another_content_type_is_404(client, article, home):
    _, token = make_token(article)
    response = client.get(
        "/api/v2/page_preview/", {"content_type": "home.homepage", "token": token}
    )
    assert response.status_code == 404
    assert response.json()["message"]
    response = client.get("/api/v2/page_preview/", {"content_type": "no.such", "token": token})
    assert response.status_code == 404


def test_signed_token_without_a_stored_preview_is_404(client, article):
    token = ArticlePage.get_preview_signer().sign(f"id={article.pk}")
    response = client.get(
        "/api/v2/page_preview/", {"content_type": "articles.articlepage", "token": token}
    )
    assert response.status_code == 404


def test_a_token_never_opens_another_pages_draft(client, article, article_index):
    other = ArticlePageFactory(parent=article_index, title="Other draft", slug="other")
    content_type, token = make_token(article)
    data = client.get(
        "/api/v2/page_preview/", {"content_type": content_type, "token": token}
    ).json()
    assert data["id"] == article.pk and data["title"] == "Published title"
    assert other.pk != article.pk
    with pytest.raises(signing.BadSignature):
        ArticlePage.get_preview_signer().unsign(token.replace(f"id={article.pk}", f"id={other.pk}"))


def test_preview_related_articles_follow_the_drafts_conditions(client, article, article_index):
    condition = ConditionFactory(name="Migraine", slug="migraine")
    related = ArticlePageFactory(parent=article_index, title="Related", slug="related")
    related.conditions.set([condition])
    related.save_revision().publish()
    article.conditions.set([condition])  # in the draft only
    content_type, token = make_token(article)
    data = client.get(
        "/api/v2/page_preview/", {"content_type": content_type, "token": token}
    ).json()
    assert [item["id"] for item in data["related_articles"]] == [related.pk]


# Without a preview frontend (a newcomer's `make run`): the built-in preview


def dev_preview_settings(**env):
    """The preview's client URLs and the admin's frame-src under `make run`'s settings."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ("FRONTEND_PREVIEW_URL", "FRONTEND_PREVIEW_URLS")
    }
    code = (
        "import json; from django.conf import settings; print(json.dumps(["
        "settings.WAGTAIL_HEADLESS_PREVIEW['CLIENT_URLS'], "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-src']]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_a_newcomers_make_run_has_no_preview_frontend():
    assert dev_preview_settings() == [{"default": ""}, ["'self'"]]
    assert dev_preview_settings(FRONTEND_PREVIEW_URL="http://localhost:3000/api/preview") == [
        {"default": "http://localhost:3000/api/preview"},
        ["'self'", "http://localhost:3000"],
    ]


@pytest.fixture
def no_preview_frontend(settings):
    """Neither FRONTEND_PREVIEW_URL nor FRONTEND_PREVIEW_URLS set."""
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": ""},
    }


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(
        title="Demo: infusion chair", file__width=1600, file__height=900
    )


def paragraph(source):
    return rich_text(source, features=RICH_TEXT_FEATURES)


def list_items(values):
    """ListBlock form data, as the admin's JavaScript submits it."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index)}
        for index, value in enumerate(values)
    }
    data["count"] = str(len(values))
    return data


def citation(text, url="", doi="", pmid=""):
    return {
        "text": text,
        "publisher": "A journal",
        "year": "2021",
        "url": url,
        "doi": doi,
        "pmid": pmid,
    }


CHAIR_ALT = "A reclining chair beside a window, with a drip stand"


def every_block(image):
    """One of each block an article body offers, as the edit form posts them."""
    return [
        ("heading", {"text": "Before you arrive", "level": "h2"}),
        ("paragraph", paragraph("<p>Bring a list of your <b>medicines</b>.</p>")),
        (
            "image",
            {
                "image": str(image.pk),
                "alt_text": CHAIR_ALT,
                "decorative": "",
                "caption": "The infusion suite",
                "credit": "Clinic photo",
            },
        ),
        (
            "image",
            {
                "image": str(image.pk),
                "alt_text": "",
                "decorative": "on",
                "caption": "",
                "credit": "",
            },
        ),
        ("callout", {"variant": "tip", "text": paragraph("<p>Wear something warm.</p>")}),
        ("heading", {"text": "Your questions", "level": "h3"}),
        (
            "accordion",
            {
                "title": "Common questions",
                "items": list_items(
                    [
                        {"title": "How long is a visit?", "body": paragraph("<p>An hour.</p>")},
                        {"title": "Can someone come?", "body": paragraph("<p>Yes.</p>")},
                    ]
                ),
                "open_first": "on",
                "heading_level": "",
            },
        ),
        (
            "call_to_action",
            {"label": "Book a consultation", "page": "", "url": "https://clinic.example/book"},
        ),
        (
            "references",
            list_items(
                [
                    citation("Author A. Infusions for nerve pain.", doi="10.1000/xyz123"),
                    citation("Author B. Sleep and pain.", pmid="12345"),
                    citation("Author C. A leaflet.", url="https://leaflets.example/pain"),
                ]
            ),
        ),
        ("disclaimer", {"text": ""}),
    ]


def shown_html(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/html")
    return BeautifulSoup(response.content, "html.parser")


def draft_json(client, page_type="articles.articlepage"):
    """What the preview endpoint answers a frontend for the draft the preview stored."""
    token = PagePreview.objects.get().token
    response = client.get("/api/v2/page_preview/", {"content_type": page_type, "token": token})
    assert response.status_code == 200
    return response.json()


@pytest.mark.usefixtures("no_preview_frontend")
def test_without_a_frontend_the_preview_shows_every_block_of_the_draft(
    editor, client, article, image, site
):
    settings = ClinicSettings.for_site(site)
    settings.default_disclaimer = "This page does not replace advice from your clinician."
    settings.save()
    body = every_block(image)
    assert {name for name, _ in body} == set(ArticleBodyBlock.base_blocks)

    response = show_preview(editor, article, "Draft title", body)

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    page = shown_html(response)
    assert page.html["lang"] == "en"
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    # Scripts of this site only: Wagtail's userbar, which runs the editor's content checks, and
    # the preview's own click-to-edit by its nonce (tests/test_preview_click_to_edit.py).
    (nonce,) = {script["nonce"] for script in page.find_all("script", nonce=True)}
    assert policy["content"] == f"script-src 'self' 'nonce-{nonce}'"
    for script in page.find_all("script"):
        assert script.get("type") == "application/json" or script["src"].startswith("/static/")
    assert page.title.string == "Draft title"
    assert "Preview of an unpublished draft" in page.get_text()
    main = page.main
    assert main.h1.get_text(strip=True) == "Draft title"
    assert main.find("h2", id="before-you-arrive").get_text(strip=True) == "Before you arrive"
    assert main.find("h3", id="your-questions").get_text(strip=True) == "Your questions"
    assert main.find("b").get_text() == "medicines"

    described, decorative = main.select("figure img")
    assert described["alt"] == CHAIR_ALT
    assert decorative["alt"] == ""
    figure = described.find_parent("figure")
    assert "The infusion suite" in figure.figcaption.get_text()
    assert "Clinic photo" in figure.figcaption.get_text()
    # The image's renditions are the API's, for the draft the frontend would have fetched.
    api_image = draft_json(client)["body"][2]["value"]["image"]
    assert described["src"] == api_image["url"]
    assert described["srcset"] == api_image["srcset"]["widths"]["original"]
    assert (
        figure.find("source", type="image/webp")["srcset"]
        == (api_image["srcset"]["widths"]["webp"])
    )
    assert (described["width"], described["height"]) == ("1600", "900")

    callout = main.find(class_="callout-tip")
    assert "Wear something warm." in callout.get_text()
    assert "Tip" in callout.get_text()

    first, second = main.select("details")
    assert first.has_attr("open") and not second.has_attr("open")
    # One level below the H3 the accordion follows, as the API says.
    assert first.select_one("summary > h4").get_text(strip=True) == "How long is a visit?"
    assert "An hour." in first.get_text()
    assert second.select_one("summary > h4").get_text(strip=True) == "Can someone come?"
    assert "Common questions" in main.get_text()

    link = main.find("a", string="Book a consultation")
    assert link["href"] == "https://clinic.example/book"

    citations = main.select("ol.references > li")
    assert [item.a["href"] for item in citations] == [
        "https://doi.org/10.1000/xyz123",
        "https://pubmed.ncbi.nlm.nih.gov/12345/",
        "https://leaflets.example/pain",
    ]
    assert "Author A. Infusions for nerve pain." in citations[0].get_text()
    assert "A journal" in citations[0].get_text() and "2021" in citations[0].get_text()

    assert "This page does not replace advice from your clinician." in main.get_text()
    # The live page is untouched.
    assert ArticlePage.objects.get(pk=article.pk).title == "Published title"


@pytest.mark.usefixtures("no_preview_frontend")
def test_the_built_in_preview_names_the_reviewer_and_the_review_date(editor, article):
    author = ClinicianFactory(name="Dr Ana Reyes", credentials="MD")
    reviewer = ClinicianFactory(name="Dr Sam Okafor", credentials="FRCA")
    response = show_preview(
        editor,
        article,
        "Reviewed draft",
        [("paragraph", paragraph("<p>Words.</p>"))],
        author=str(author.pk),
        reviewer=str(reviewer.pk),
        last_reviewed="2024-03-01",
    )

    text = " ".join(shown_html(response).main.get_text().split())
    assert "Dr Ana Reyes, MD" in text
    assert "Medically reviewed by Dr Sam Okafor, FRCA on 1 March 2024" in text
    review_date = shown_html(response).main.find("time")
    assert review_date["datetime"] == "2024-03-01"


@pytest.mark.usefixtures("no_preview_frontend")
def test_the_built_in_preview_of_an_unsaved_new_page(editor, article_index):
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=("articles", "articlepage", article_index.pk)
    )
    data = nested_form_data(
        {
            "title": "Brand new",
            "slug": "brand-new",
            "summary": "Not saved yet",
            "hero_image_alt": "",
            "body": streamfield([("heading", {"text": "Hello", "level": "h2"})]),
            "comments": inline_formset([]),
        }
    )
    assert editor.post(url, data).json()["is_valid"]

    page = shown_html(editor.get(url))
    assert page.main.h1.get_text(strip=True) == "Brand new"
    assert page.main.find("h2", id="hello").get_text(strip=True) == "Hello"
    assert "Not saved yet" in page.main.get_text()
    assert not ArticlePage.objects.filter(slug="brand-new").exists()


@pytest.mark.usefixtures("no_preview_frontend")
def test_the_built_in_preview_of_the_home_page(editor, home, article_index, image):
    featured = ArticlePageFactory(parent=article_index, title="Pacing your day")
    featured.save_revision().publish()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(home.pk,))
    data = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "hero_title": "Care for long-lasting pain",
            "hero_text": "Clinicians who listen.",
            "hero_image": str(image.pk),
            "hero_image_alt": "The clinic's waiting room",
            "intro": paragraph("<p>We treat <i>chronic</i> pain.</p>"),
            "featured_articles": inline_formset([{"article": str(featured.pk)}]),
            "comments": inline_formset([]),
        }
    )
    posted = editor.post(url, data)
    assert posted.json()["is_valid"], posted.content

    main = shown_html(editor.get(url)).main
    assert main.h1.get_text(strip=True) == home.title
    assert "Care for long-lasting pain" in main.get_text()
    assert main.find("i").get_text() == "chronic"
    assert main.find("img")["alt"] == "The clinic's waiting room"
    assert main.find("a", string="Pacing your day")


@pytest.mark.usefixtures("no_preview_frontend")
def test_the_built_in_preview_is_for_signed_in_editors_only(client, article):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.usefixtures("frontend_preview")
def test_with_a_frontend_the_preview_frames_it_instead(editor, article):
    shown = show_preview(editor, article, "Draft title", [])
    assert "Preview of an unpublished draft" not in shown.content.decode()
    content_type, token = frontend_query(shown)
    assert content_type == "articles.articlepage"
    assert PagePreview.objects.get().token == token


def test_a_block_type_without_a_template_still_shows_its_words():
    block = {
        "type": "quote",
        "id": "q1",
        "value": {"text": "Pain is <em>real</em>.", "attribution": "A patient", "url": None},
    }
    template = Template("{% load headless_preview %}{% preview_blocks blocks 'articles' %}")
    shown = BeautifulSoup(template.render(Context({"blocks": [block]})), "html.parser")
    words = " ".join(shown.get_text().split())
    assert "Pain is real." in words and "A patient" in words
    assert not shown.find("em")  # the text, never unchecked markup
