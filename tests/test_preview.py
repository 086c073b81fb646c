"""Editors press Preview and the frontend fetches the draft, shaped like a published page."""

import html
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.models import ArticlePage
from headless.blocks import RICH_TEXT_FEATURES
from tests.factories import ArticlePageFactory, ConditionFactory

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


def press_preview(editor, page, title, body):
    """Post the unsaved edit form to the preview, as the admin's preview panel does."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    data = nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "summary": "Draft summary",
            "hero_image_alt": "",
            "body": streamfield(body),
            "comments": inline_formset([]),
        }
    )
    posted = editor.post(url, data)
    assert posted.status_code == 200 and posted.json()["is_valid"], posted.content
    shown = editor.get(url)
    assert shown.status_code == 200
    iframe = re.search(r'<iframe src="([^"]+)"', shown.content.decode()).group(1)
    preview_url = urlparse(html.unescape(iframe))
    assert preview_url.netloc == "localhost:3000"  # FRONTEND_PREVIEW_URL's default
    query = parse_qs(preview_url.query)
    return query["content_type"][0], query["token"][0]


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
    assert set(draft["meta"]) == set(published["meta"])
    # Reading grades are the unsaved text's, not the last save's.
    assert [s["anchor"] for s in published["readability"]["sections"]] == ["published-heading"]
    assert [s["anchor"] for s in draft["readability"]["sections"]] == ["draft-heading"]
    assert draft["readability"]["grade_level"] != published["readability"]["grade_level"]

    # The live page is untouched; patients still see the published version.
    live = editor.get(f"/api/v2/pages/{article.pk}/").json()
    assert live["title"] == "Published title"


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
